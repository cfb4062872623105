"""yigai.store"""

"""yigai.assess"""

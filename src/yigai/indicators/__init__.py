"""yigai.indicators"""

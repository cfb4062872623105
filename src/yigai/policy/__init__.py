"""yigai.policy"""

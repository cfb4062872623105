"""yigai.reform"""

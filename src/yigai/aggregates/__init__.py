"""yigai.aggregates"""

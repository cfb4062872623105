"""yigai.reports"""

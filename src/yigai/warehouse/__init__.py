"""yigai.warehouse"""

"""yigai.synth"""

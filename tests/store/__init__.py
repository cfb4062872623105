"""Tests of yigai.store."""

"""Tests of yigai.reform."""

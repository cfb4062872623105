"""Tests of yigai.aggregates."""

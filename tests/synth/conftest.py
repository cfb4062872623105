"""Shared fixture: one small generated region per test run."""

from __future__ import annotations

import pyarrow as pa
import pytest

from .helpers import CALIBRATION_CONFIG, collect


@pytest.fixture(scope="session")
def region() -> dict[str, pa.Table]:
    return collect(CALIBRATION_CONFIG)

"""Dated parameters of the community service (社区业务参数), read through :mod:`yigai.params`.

``data/params/<name>.yaml`` holds what the community service alone decides (referral expiry,
the green-channel share, follow-up intervals, urgent-referral thresholds, the contract term).
The control thresholds of the basic public-health specification (SBP < 140, DBP < 90,
fasting glucose < 7.0) are the indicator catalogue's parameters: :func:`threshold` reads them
from ``yigai/indicators/data/params`` so the service and the control-rate indicators cannot
disagree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path

from yigai import params as shared
from yigai.indicators import params as indicator_params

PARAMS_DIR = Path(__file__).parent / "data" / "params"

#: Thresholds owned by the indicator catalogue (one file for both uses).
SHARED_THRESHOLDS = (
    "hypertension_sbp_controlled_below",
    "hypertension_dbp_controlled_below",
    "diabetes_glucose_controlled_below",
)


def _positive(value: Decimal, unit: str) -> tuple[str, str] | None:
    if value <= 0:
        return f"取值应为正数（得到 {value}）", f"value must be positive (got {value})"
    return None


@cache
def parameter(name: str) -> shared.Parameter:
    """The community parameter ``name`` (a file under ``data/params``)."""
    return shared.load(name, PARAMS_DIR, check=_positive)


def value(name: str, day: dt.date) -> Decimal:
    """The value of ``name`` in force on ``day``; control thresholds come from the indicators."""
    if name in SHARED_THRESHOLDS:
        return indicator_params.get(name).at(day)
    return parameter(name).at(day)


def whole(name: str, day: dt.date) -> int:
    """An integer-valued parameter (hours, days, months) in force on ``day``."""
    return int(value(name, day))

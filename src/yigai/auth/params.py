"""Dated log-in parameters (登录参数): session lifetime and lock-out, read by :mod:`yigai.params`.

``data/params/session_hours.yaml``, ``lockout_failures.yaml`` and ``lockout_minutes.yaml``:
whole positive numbers, each value dated and cited like every other policy parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from yigai import params as shared

PARAMS_DIR = Path(__file__).parent / "data" / "params"


def _whole_positive(value: Decimal, unit: str) -> tuple[str, str] | None:
    if value != value.to_integral_value() or value < 1:
        return f"取值应为正整数（得到 {value}）", f"value must be a whole number ≥ 1 (got {value})"
    return None


@cache
def _param(name: str, directory: Path) -> shared.Parameter:
    return shared.load(name, directory, units=("hour", "count", "minute"), check=_whole_positive)


@dataclass(frozen=True)
class AuthParams:
    """The log-in rules in force on one day."""

    session_lifetime: dt.timedelta
    lockout_failures: int
    lockout_duration: dt.timedelta


def in_force(day: dt.date, directory: Path = PARAMS_DIR) -> AuthParams:
    """The session lifetime and lock-out rule in force on ``day``."""
    return AuthParams(
        session_lifetime=dt.timedelta(hours=int(_param("session_hours", directory).at(day))),
        lockout_failures=int(_param("lockout_failures", directory).at(day)),
        lockout_duration=dt.timedelta(minutes=int(_param("lockout_minutes", directory).at(day))),
    )

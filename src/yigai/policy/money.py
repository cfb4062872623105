"""Shares of money (金额按比例计算) and the rounding rule every adjudication step uses.

Money is integer fen. A share ``amount × ratio`` is rounded **half up to the fen**
(``ROUND_HALF_UP``, 四舍五入到分): 0.5 fen and above rounds up. Amounts here are never negative.

Two implementations of the same rule, kept apart on purpose so each checks the other:

- :func:`share` — ``Decimal`` arithmetic, used by the scalar reference adjudication;
- :func:`share_units` — exact integer arithmetic on ratios scaled to millionths
  (:data:`RATIO_SCALE`), which works on numpy ``int64`` arrays for the vectorised path:
  ``floor((2·a·u + S) / (2·S))`` equals ``a·u/S`` rounded half up for ``a ≥ 0``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

import numpy as np

#: Ratios are carried as integer millionths in the vectorised path (6 decimal places).
RATIO_SCALE = 1_000_000
#: Largest amount the integer path accepts without int64 overflow (10 billion yuan).
MAX_FEN = 10**12

_ONE = Decimal(1)

A = TypeVar("A", int, np.ndarray)


def share(amount_fen: int, ratio: Decimal) -> int:
    """``amount_fen × ratio`` rounded half up to the fen."""
    if amount_fen < 0:
        raise ValueError(f"金额不能为负：{amount_fen} / amount must not be negative: {amount_fen}")
    return int((Decimal(amount_fen) * ratio).quantize(_ONE, rounding=ROUND_HALF_UP))


def ratio_units(ratio: Decimal | int) -> int:
    """A ratio as integer millionths; more than 6 decimals is refused (it would be rounded)."""
    units = Decimal(ratio) * RATIO_SCALE
    if units != units.to_integral_value():
        raise ValueError(
            f"比例 {ratio} 超过 6 位小数 / ratio {ratio} has more than 6 decimal places"
        )
    return int(units)


def share_units(amount_fen: A, units: A | int) -> A:
    """``amount_fen × units / RATIO_SCALE`` rounded half up; ints or int64 arrays."""
    return (2 * amount_fen * units + RATIO_SCALE) // (2 * RATIO_SCALE)


def check_range(amount_fen: np.ndarray, what: str) -> None:
    """Refuse amounts the integer path cannot hold exactly."""
    if amount_fen.size and (amount_fen.min() < 0 or amount_fen.max() > MAX_FEN):
        raise ValueError(
            f"{what} 超出范围（0 至 {MAX_FEN} 分） / {what} out of range (0 to {MAX_FEN} fen)"
        )

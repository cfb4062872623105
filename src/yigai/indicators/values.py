"""Indicator values (指标值): integers in, one exactly rounded decimal out.

Engines return only integer numerators and denominators. The value is computed here, once,
with exact rational arithmetic (no float, no Decimal context precision) and rounded
**half up** (四舍五入, away from zero for negative growth rates) to the indicator's decimals.
A zero denominator has no value (null), never 0 or infinity.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pyarrow as pa

#: The indicator result table (docs/CONTRACTS.md): one row per indicator × org unit × period.
RESULT_SCHEMA = pa.schema(
    [
        pa.field("indicator_id", pa.string(), nullable=False),
        pa.field("org_id", pa.string(), nullable=False),
        pa.field("period_id", pa.string(), nullable=False),
        pa.field("grain", pa.string(), nullable=False),
        pa.field("numerator", pa.int64()),
        pa.field("denominator", pa.int64()),
        pa.field("value", pa.string()),
        pa.field("source", pa.string(), nullable=False),
    ]
)


def round_half_up(x: Fraction, places: int) -> Decimal:
    """``x`` rounded half up (away from zero) to ``places`` decimals, exactly."""
    shifted = abs(x) * 10**places
    units = (shifted.numerator * 2 + shifted.denominator) // (2 * shifted.denominator)
    sign = -1 if x < 0 else 1
    return Decimal(sign * units).scaleb(-places) if units else Decimal(0).scaleb(-places)


def ratio_value(
    numerator: int,
    denominator: int,
    scale: Fraction,
    places: int,
    *,
    num_factor: Fraction = Fraction(1),
    den_factor: Fraction = Fraction(1),
) -> Decimal | None:
    """``(numerator × num_factor) ÷ (denominator × den_factor) × scale``, rounded half up.

    Factors are dated parameters (e.g. 高血压患病率 for 管理率's estimated patients): the stored
    numerator and denominator stay the engines' integer counts, and the factor is applied only
    here, exactly, before the single rounding. None when the (factored) denominator is 0.
    """
    if denominator == 0 or den_factor == 0:
        return None
    exact = Fraction(numerator) * num_factor / (Fraction(denominator) * den_factor)
    return round_half_up(exact * scale, places)


def growth_value(
    current: tuple[int, int], last_year: tuple[int, int], places: int
) -> Decimal | None:
    """同比增长率 (%): ``(r₁ − r₀) ÷ r₀ × 100`` with r = numerator ÷ denominator, exactly.

    None when either period has no value or last year's value is 0 (growth undefined).
    """
    (n1, d1), (n0, d0) = current, last_year
    if d1 == 0 or d0 == 0 or n0 == 0:
        return None
    r1, r0 = Fraction(n1, d1), Fraction(n0, d0)
    return round_half_up((r1 - r0) / r0 * 100, places)


def text(value: Decimal | None, places: int) -> str | None:
    """The stored form: fixed-point text with exactly ``places`` decimals (``"90.00"``)."""
    return None if value is None else f"{value:.{places}f}"

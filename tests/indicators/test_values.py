"""Indicator values: exact rational arithmetic, rounded half up (CONTRACTS.md "Indicator engine")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from yigai.indicators import values


def test_percent_rounds_half_up_to_two_places() -> None:
    """1 ÷ 8 × 100 = 12.5 → "12.50"; 1 ÷ 3 × 100 = 33.333… → 33.33; 2 ÷ 3 × 100 → 66.67."""
    assert values.ratio_value(1, 8, Fraction(100), 2) == Decimal("12.50")
    assert values.ratio_value(1, 3, Fraction(100), 2) == Decimal("33.33")
    assert values.ratio_value(2, 3, Fraction(100), 2) == Decimal("66.67")


def test_exact_half_rounds_up_not_to_even() -> None:
    """1 ÷ 8 = 0.125 → 0.13 (banker's rounding would give 0.12)."""
    assert values.ratio_value(1, 8, Fraction(1), 2) == Decimal("0.13")


def test_yuan_divides_fen_by_hundred() -> None:
    """11000 fen ÷ 3 visits = 3666.67 fen = 36.6667 yuan → 36.67."""
    assert values.ratio_value(11000, 3, Fraction(1, 100), 2) == Decimal("36.67")


def test_zero_denominator_has_no_value() -> None:
    assert values.ratio_value(5, 0, Fraction(100), 2) is None


def test_negative_growth_rounds_away_from_zero() -> None:
    """(3666.67 − 5000) ÷ 5000 × 100 = −26.666… → −26.67."""
    assert values.growth_value((11000, 3), (5000, 1), 2) == Decimal("-26.67")


def test_growth_is_null_without_last_year_value() -> None:
    assert values.growth_value((10, 1), (0, 0), 2) is None
    assert values.growth_value((10, 1), (0, 5), 2) is None


def test_text_keeps_trailing_zeros() -> None:
    assert values.text(Decimal("90"), 2) == "90.00"
    assert values.text(None, 2) is None


@given(
    num=st.integers(min_value=-(10**15), max_value=10**15),
    den=st.integers(min_value=1, max_value=10**12),
    places=st.integers(min_value=0, max_value=4),
)
def test_matches_decimal_half_up_at_high_precision(num: int, den: int, places: int) -> None:
    """Invariant: equal to Decimal(num)/Decimal(den) quantized ROUND_HALF_UP with 60 digits."""
    with localcontext() as ctx:
        ctx.prec = 60
        expected = (Decimal(num) / Decimal(den)).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
        )
    assert values.ratio_value(num, den, Fraction(1), places) == expected


def test_denominator_factor_applied_exactly_before_rounding() -> None:
    """管理率: 2 managed ÷ (4 adults × 27.5%) × 100 = 181.8181… → 181.82 (domain §3)."""
    v = values.ratio_value(2, 4, Fraction(100), 2, den_factor=Fraction("0.275"))
    assert v == Decimal("181.82")


def test_numerator_factor_multiplies_numerator() -> None:
    assert values.ratio_value(3, 4, Fraction(1), 2, num_factor=Fraction(1, 2)) == Decimal("0.38")


@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_unit_factor_changes_nothing(num: int, den: int) -> None:
    plain = values.ratio_value(num, den, Fraction(100), 2)
    assert values.ratio_value(num, den, Fraction(100), 2, den_factor=Fraction(1)) == plain

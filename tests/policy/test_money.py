"""Shares of money: half-up rounding to the fen, Decimal and integer paths agree."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yigai.policy.money import MAX_FEN, check_range, ratio_units, share, share_units


def test_half_a_fen_rounds_up() -> None:
    """docs/CONTRACTS.md: a share of fen rounds half up (ROUND_HALF_UP): 3 × 0.5 = 1.5 → 2."""
    assert share(3, Decimal("0.5")) == 2
    assert share_units(3, ratio_units(Decimal("0.5"))) == 2


@pytest.mark.parametrize(("amount", "expected"), [(1, 1), (5, 3)])
def test_half_a_fen_rounds_up_where_bankers_rounding_goes_down(amount: int, expected: int) -> None:
    """1 × 0.5 = 0.5 fen → 1 and 5 × 0.5 = 2.5 fen → 3 (ROUND_HALF_UP); round-half-even would
    give 0 and 2, so these two cases tell the rules apart (1.5 → 2 does not)."""
    units = ratio_units(Decimal("0.5"))
    assert share(amount, Decimal("0.5")) == expected
    assert share_units(amount, units) == expected
    assert int(share_units(np.array([amount], dtype=np.int64), units)[0]) == expected


def test_just_below_half_rounds_down() -> None:
    """7 × 0.35 = 2.45 → 2."""
    assert share(7, Decimal("0.35")) == 2
    assert share_units(7, ratio_units(Decimal("0.35"))) == 2


def test_ratio_with_more_than_six_decimals_is_refused() -> None:
    with pytest.raises(ValueError, match="6 位小数"):
        ratio_units(Decimal("0.1234567"))


def test_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        share(-1, Decimal("0.5"))


def test_out_of_range_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        check_range(np.array([0, MAX_FEN + 1]), "cost_total_fen")


@given(
    st.integers(min_value=0, max_value=MAX_FEN),
    st.integers(min_value=0, max_value=1_000_000).map(lambda u: Decimal(u) / 1_000_000),
)
def test_integer_path_equals_decimal_path(amount: int, ratio: Decimal) -> None:
    assert share_units(amount, ratio_units(ratio)) == share(amount, ratio)
    as_array = share_units(np.array([amount], dtype=np.int64), ratio_units(ratio))
    assert int(as_array[0]) == share(amount, ratio)

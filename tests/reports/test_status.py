"""Traffic-light status (红黄绿灯) and 环比/同比 change, against hand-computed cases.

Rules: yigai.reports.status module docstring; tolerance parameter
src/yigai/reports/data/params/status/amber_tolerance.yaml (5% of target by default).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yigai.reports.model import Direction, Unit
from yigai.reports.status import Status, change, change_label_zh, rag_status

D = Decimal
TOL = D("0.05")
H, L = Direction.HIGHER, Direction.LOWER


def test_higher_indicator_at_target_is_green():
    """县域内就诊率 90.00% against target 90% (seed 002): meets target → green."""
    assert rag_status(D("90.00"), D("90"), None, H, TOL) is Status.GREEN


def test_higher_indicator_within_five_percent_of_target_is_amber():
    """88.50 vs 90: band 90 × 0.05 = 4.5, floor 85.5 ≤ 88.50 → amber."""
    assert rag_status(D("88.50"), D("90"), D("89.00"), H, TOL) is Status.AMBER


def test_higher_indicator_exactly_on_band_edge_is_amber():
    """85.50 = 90 − 4.5 is inside the band (inclusive)."""
    assert rag_status(D("85.50"), D("90"), None, H, TOL) is Status.AMBER


def test_higher_indicator_below_band_and_falling_is_red():
    """基层就诊率 55.00 vs 65: floor 61.75; previous 56.00 so not improving → red."""
    assert rag_status(D("55.00"), D("65"), D("56.00"), H, TOL) is Status.RED


def test_higher_indicator_below_band_but_improving_is_amber():
    """55.00 vs 65 but previous 54.00: improving → amber."""
    assert rag_status(D("55.00"), D("65"), D("54.00"), H, TOL) is Status.AMBER


def test_lower_indicator_under_target_is_green():
    """药占比 38.20% ≤ 40% (seed 000: below 40%) → green."""
    assert rag_status(D("38.20"), D("40"), D("39.00"), L, TOL) is Status.GREEN


def test_lower_indicator_above_band_but_falling_is_amber():
    """门诊次均费用 47.85 vs 45.00: ceiling 47.25 < 47.85, previous 48.40 so falling → amber."""
    assert rag_status(D("47.85"), D("45.00"), D("48.40"), L, TOL) is Status.AMBER


def test_lower_indicator_above_band_and_rising_is_red():
    """47.85 vs 45.00, previous 47.00: rising cost, outside band → red."""
    assert rag_status(D("47.85"), D("45.00"), D("47.00"), L, TOL) is Status.RED


def test_lower_indicator_within_band_is_amber():
    """41.90 vs 40: ceiling 42.00 → amber even without a previous value."""
    assert rag_status(D("41.90"), D("40"), None, L, TOL) is Status.AMBER


def test_unchanged_value_outside_band_is_red():
    """Equal to the previous value is not improving."""
    assert rag_status(D("50"), D("65"), D("50"), H, TOL) is Status.RED


def test_missing_value_is_no_data():
    assert rag_status(None, D("70"), D("68.00"), H, TOL) is Status.NO_DATA


def test_missing_target_is_no_target():
    assert rag_status(D("70"), None, None, H, TOL) is Status.NO_TARGET


def test_negative_tolerance_is_rejected_bilingually():
    with pytest.raises(ValueError, match=r"黄灯容差不能为负.*must not be negative"):
        rag_status(D("1"), D("2"), None, H, D("-0.01"))


def test_rate_change_is_in_points():
    """88.50% vs 87.90%: +0.60 个百分点 (a difference, not a growth rate)."""
    assert change(D("88.50"), D("87.90"), Unit.PERCENT) == D("0.60")
    assert change_label_zh(D("0.60"), Unit.PERCENT) == "+0.60个百分点"


def test_amount_change_is_growth_rate_rounded_half_up():
    """47.85 vs 51.03 yuan: −3.18 ÷ 51.03 × 100 = −6.2316… → −6.23%."""
    assert change(D("47.85"), D("51.03"), Unit.YUAN) == D("-6.23")
    assert change_label_zh(D("-6.23"), Unit.YUAN) == "-6.23%"


def test_growth_rounds_half_up_at_the_midpoint():
    """(100.125 − 100) ÷ 100 × 100 = 0.125 → 0.13 (ROUND_HALF_UP, not banker's 0.12)."""
    assert change(D("100.125"), D("100"), Unit.COUNT) == D("0.13")


def test_growth_against_zero_base_is_undefined():
    assert change(D("5"), D("0"), Unit.COUNT) is None
    assert change_label_zh(None, Unit.COUNT) == "—"


def test_change_without_base_is_undefined():
    assert change(D("5"), None, Unit.PERCENT) is None


decimals = st.decimals(
    min_value=-10_000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False
)
maybe = st.none() | decimals
tolerances = st.decimals(min_value=0, max_value=1, places=3)


@given(decimals, decimals, maybe, tolerances)
def test_status_is_mirror_symmetric_between_directions(value, target, previous, tol):
    """A lower-is-better indicator is a higher-is-better one with every sign flipped."""
    flipped = None if previous is None else -previous
    assert rag_status(value, target, previous, H, tol) is rag_status(
        -value, -target, flipped, L, tol
    )


@given(decimals, decimals, maybe, tolerances, st.sampled_from([H, L]))
def test_green_exactly_when_target_met(value, target, previous, tol, direction):
    met = value >= target if direction is H else value <= target
    assert (rag_status(value, target, previous, direction, tol) is Status.GREEN) == met


@given(decimals, decimals, st.sampled_from([H, L]))
def test_zero_tolerance_without_history_is_green_or_red(value, target, direction):
    assert rag_status(value, target, None, direction, D(0)) in {Status.GREEN, Status.RED}


@given(decimals, decimals, maybe, st.sampled_from([H, L]))
def test_wider_tolerance_never_worsens_status(value, target, previous, direction):
    order = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2}
    narrow = rag_status(value, target, previous, direction, D("0.01"))
    wide = rag_status(value, target, previous, direction, D("0.10"))
    assert order[wide] >= order[narrow]


@given(decimals, decimals, st.sampled_from(list(Unit)))
def test_change_sign_follows_the_difference(value, base, unit):
    delta = change(value, base, unit)
    if delta is None:
        assert unit not in {Unit.PERCENT, Unit.PERMILLE} and base == 0
    elif delta != 0:
        assert (delta > 0) == (value > base) or base < 0


@given(decimals, st.sampled_from(list(Unit)))
def test_no_change_against_itself(value, unit):
    assert change(value, value, unit) in {D("0.00"), None}

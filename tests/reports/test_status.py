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
from yigai.reports.status import Status, change, change_label_zh, rag_status, target_text, trend

D = Decimal
TOL = D("0.05")
H, L = Direction.HIGHER, Direction.LOWER


def test_higher_indicator_at_target_is_green():
    """县域内就诊率 90.00% against target 90% (seed 002): meets target → green."""
    assert rag_status(D("90.00"), D("90"), H, TOL) is Status.GREEN


def test_higher_indicator_within_five_percent_of_target_is_amber():
    """88.50 vs 90: band 90 × 0.05 = 4.5, floor 85.5 ≤ 88.50 → amber."""
    assert rag_status(D("88.50"), D("90"), H, TOL) is Status.AMBER


def test_higher_indicator_exactly_on_band_edge_is_amber():
    """85.50 = 90 − 4.5 is inside the band (inclusive)."""
    assert rag_status(D("85.50"), D("90"), H, TOL) is Status.AMBER


def test_higher_indicator_just_past_the_band_edge_is_red():
    """85.49 < 85.50 = 90 − 4.5: outside the band."""
    assert rag_status(D("85.49"), D("90"), H, TOL) is Status.RED


def test_lower_indicator_exactly_on_band_edge_is_amber_and_just_past_is_red():
    """药占比 target 40, tolerance 5%: ceiling 42.00 is close, 42.01 is missed."""
    assert rag_status(D("42.00"), D("40"), L, TOL) is Status.AMBER
    assert rag_status(D("42.01"), D("40"), L, TOL) is Status.RED


def test_higher_indicator_below_band_is_red():
    """基层就诊率 55.00 vs 65: floor 61.75 → red."""
    assert rag_status(D("55.00"), D("65"), H, TOL) is Status.RED


def test_improving_far_from_target_is_still_red_and_improvement_is_its_own_column():
    """Issue 14: 预约转诊 14.04% against 20% (floor 19.00) read 接近目标 because it improved
    on the last period; the status is about the target, improvement is a separate column."""
    assert rag_status(D("14.04"), D("20"), H, TOL) is Status.RED
    assert trend(D("14.04"), D("12.10"), H) == "改善"


def test_lower_indicator_under_target_is_green():
    """药占比 38.20% ≤ 40% (seed 000: below 40%) → green."""
    assert rag_status(D("38.20"), D("40"), L, TOL) is Status.GREEN


def test_lower_indicator_above_band_is_red_whether_falling_or_rising():
    """门诊次均费用 47.85 vs 45.00: ceiling 47.25 < 47.85 → red; falling from 48.40 is 改善,
    rising from 47.00 is 退步, in the separate column."""
    assert rag_status(D("47.85"), D("45.00"), L, TOL) is Status.RED
    assert trend(D("47.85"), D("48.40"), L) == "改善"
    assert trend(D("47.85"), D("47.00"), L) == "退步"


def test_lower_indicator_within_band_is_amber():
    """41.90 vs 40: ceiling 42.00 → amber even without a previous value."""
    assert rag_status(D("41.90"), D("40"), L, TOL) is Status.AMBER


def test_unchanged_value_is_level_and_no_previous_is_a_dash():
    assert trend(D("50"), D("50"), H) == "持平"
    assert trend(D("50"), None, H) == "—"


def test_target_shows_its_direction():
    """药占比 ≤40% (逆向), 县域内就诊率 ≥90% (正向); no target stays a dash."""
    assert target_text("40.00%", L) == "≤40.00%"
    assert target_text("90.00%", H) == "≥90.00%"
    assert target_text("—", H) == "—"


def test_missing_value_is_no_data():
    assert rag_status(None, D("70"), H, TOL) is Status.NO_DATA


def test_missing_target_is_no_target():
    assert rag_status(D("70"), None, H, TOL) is Status.NO_TARGET


def test_negative_tolerance_is_rejected_bilingually():
    with pytest.raises(ValueError, match=r"黄灯容差不能为负.*must not be negative"):
        rag_status(D("1"), D("2"), H, D("-0.01"))


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


@given(decimals, decimals, tolerances)
def test_status_is_mirror_symmetric_between_directions(value, target, tol):
    """A lower-is-better indicator is a higher-is-better one with every sign flipped."""
    assert rag_status(value, target, H, tol) is rag_status(-value, -target, L, tol)


@given(decimals, decimals, tolerances, st.sampled_from([H, L]))
def test_green_exactly_when_target_met(value, target, tol, direction):
    met = value >= target if direction is H else value <= target
    assert (rag_status(value, target, direction, tol) is Status.GREEN) == met


@given(decimals, decimals, st.sampled_from([H, L]))
def test_zero_tolerance_is_green_or_red(value, target, direction):
    assert rag_status(value, target, direction, D(0)) in {Status.GREEN, Status.RED}


@given(decimals, decimals, st.sampled_from([H, L]))
def test_wider_tolerance_never_worsens_status(value, target, direction):
    order = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2}
    narrow = rag_status(value, target, direction, D("0.01"))
    wide = rag_status(value, target, direction, D("0.10"))
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

"""Item scoring rules against hand-computed points (arithmetic in each docstring)."""

from __future__ import annotations

from decimal import Decimal as D

from yigai.assess.model import Item
from yigai.assess.scoring import Status, round_points, score, total

from .factories import item, make_scheme


def _item(weight: str, rule: dict[str, object], **kw: object) -> Item:
    filler = item("filler", "10", {"kind": "at_target"})  # a scheme needs full marks > 0
    return make_scheme([item("x", weight, rule, **kw), filler]).items[0]


LINEAR = {"kind": "linear"}


def test_linear_between_baseline_and_target() -> None:
    """18 × (87.20 − 80) ÷ (90 − 80) = 18 × 0.72 = 12.96."""
    assert score(_item("18", LINEAR), D("87.20"), D("90"), D("80")).points == D("12.96")


def test_linear_reversed_for_lower_is_better() -> None:
    """药占比 45%, baseline 50%, target 40%: 12 × (45 − 50) ÷ (40 − 50) = 12 × 0.5 = 6.00."""
    it = _item("12", LINEAR, direction="lower")
    assert score(it, D("45"), D("40"), D("50")).points == D("6.00")


def test_linear_lower_is_better_worse_than_baseline_scores_zero() -> None:
    """药占比 55% is worse than the 50% baseline: share −0.5 clipped to 0 → 0.00."""
    it = _item("12", LINEAR, direction="lower")
    assert score(it, D("55"), D("40"), D("50")).points == D("0.00")


def test_linear_clipped_to_full_marks_beyond_target() -> None:
    """95 beyond target 90 (baseline 80): share 1.5 clipped to 1 → 18.00."""
    assert score(_item("18", LINEAR), D("95"), D("90"), D("80")).points == D("18.00")


def test_linear_clipped_to_zero_below_baseline() -> None:
    """70 below baseline 80: share −1 clipped to 0 → 0.00."""
    assert score(_item("18", LINEAR), D("70"), D("90"), D("80")).points == D("0.00")


def test_linear_floor_replaces_baseline() -> None:
    """floor 60, target 90, value 75: 10 × 15 ÷ 30 = 5.00 (the baseline 80 is ignored)."""
    it = _item("10", {"kind": "linear", "floor": 60})
    assert score(it, D("75"), D("90"), D("80")).points == D("5.00")


def test_linear_rounds_points_half_up() -> None:
    """10 × (12.35 − 0) ÷ (100 − 0) = 1.235 → 1.24 (half up; banker's would give 1.24 too,
    so also 10 × 0.1225 = 1.225 → 1.23 where half-even gives 1.22)."""
    it = _item("10", {"kind": "linear", "floor": 0})
    assert score(it, D("12.35"), D("100"), None).points == D("1.24")
    assert score(it, D("12.25"), D("100"), None).points == D("1.23")


def test_linear_target_not_better_than_baseline_scores_as_at_target() -> None:
    """Target 80 = baseline 80: no line; 85 ≥ 80 → full 10.00, 79 → 0."""
    it = _item("10", LINEAR)
    hit = score(it, D("85"), D("80"), D("80"))
    assert (hit.points, hit.status) == (D("10.00"), Status.TARGET_NOT_ABOVE_BASELINE)
    assert score(it, D("79"), D("80"), D("80")).points == D("0")


def test_at_target_full_marks_at_exactly_target() -> None:
    """90.00 = target 90 → full 5.00; 89.99 → 0."""
    it = _item("5", {"kind": "at_target"})
    assert score(it, D("90.00"), D("90"), None).points == D("5.00")
    assert score(it, D("89.99"), D("90"), None).points == D("0")


def test_at_target_lower_is_better() -> None:
    """次均费用 39.78 ≤ target 40 → 8.00; 40.01 → 0."""
    it = _item("8", {"kind": "at_target"}, direction="lower", unit="yuan")
    assert score(it, D("39.78"), D("40"), None).points == D("8.00")
    assert score(it, D("40.01"), D("40"), None).points == D("0")


BANDS = {
    "kind": "threshold_bands",
    "bands": [{"reach": 90, "points": 10}, {"reach": 80, "points": 7}, {"reach": 70, "points": 4}],
}


def test_threshold_bands_take_best_band_reached() -> None:
    """85 reaches ≥80 (7) and ≥70 (4), not ≥90: 7.00; exactly 90 → 10.00; 69.9 → 0."""
    it = _item("10", BANDS)
    assert score(it, D("85"), None, None).points == D("7.00")
    assert score(it, D("90"), None, None).points == D("10.00")
    low = score(it, D("69.9"), None, None)
    assert (low.points, low.band) == (D("0.00"), None)


def test_threshold_bands_lower_is_better() -> None:
    """Lower: reach means ≤. 75 ≤ 80 (7) and ≤ 90 (10): best 10.00; 95 reaches none → 0."""
    it = _item("10", BANDS, direction="lower")
    assert score(it, D("75"), None, None).points == D("10.00")
    assert score(it, D("95"), None, None).points == D("0.00")


PENALTY = {"kind": "penalty", "per_occurrence": 2, "minimum": -10}


def test_penalty_deducts_per_occurrence() -> None:
    """weight 0, 3 breaches × 2 = −6.00."""
    it = _item("0", PENALTY, manual=True, unit="count")
    assert score(it, D(3), None, None).points == D("-6.00")


def test_penalty_floored_at_minimum() -> None:
    """weight 0, 7 breaches × 2 = −14, floored at −10 → −10.00."""
    it = _item("0", PENALTY, manual=True, unit="count")
    assert score(it, D(7), None, None).points == D("-10.00")


def test_penalty_from_positive_weight_floors_at_zero_by_default() -> None:
    """weight 5, 1.5 points per breach, 4 breaches: 5 − 6 = −1 → minimum 0 → 0.00; 2 → 2.00."""
    it = _item("5", {"kind": "penalty", "per_occurrence": "1.5"}, manual=True)
    assert score(it, D(4), None, None).points == D("0.00")
    assert score(it, D(2), None, None).points == D("2.00")


def test_missing_value_scores_zero_with_missing_status() -> None:
    out = score(_item("18", LINEAR), None, D("90"), D("80"))
    assert (out.points, out.status) == (D(0), Status.MISSING)


def test_total_is_sum_of_rounded_points_not_below_zero() -> None:
    """12.96 + 5.00 + 0.01 = 17.97; 3.00 − 10.00 = −7 → 0."""
    assert total([D("12.96"), D("5.00"), D("0.01")]) == D("17.97")
    assert str(total([D("3.00"), D("-10.00")])) == "0.00"


def test_round_points_half_up_on_negative() -> None:
    """−1.235 → −1.24 (half away from zero)."""
    assert round_points(D("-1.235")) == D("-1.24")

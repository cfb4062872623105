"""Consequences (seed 003, 临汾市某县): top three commended if 合格; the last warned if 不合格;
last in three consecutive assessments → head removal recommended."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from yigai.assess import (
    AssessmentError,
    AssessmentResult,
    ConsequenceKind,
    assess,
    consequences,
    consequences_table,
)

from .factories import CONSEQUENCES, item, make_scheme, org_units, values

UNITS = org_units([(o, "institution", "C1") for o in "ABCDE"])
SCHEME_ITEMS = [item("s", 100, {"kind": "entered"}, manual=True, unit="points")]
SCHEME = make_scheme(SCHEME_ITEMS)


def _period(period_id: str, points: dict[str, int]) -> AssessmentResult:
    """Units not named score 75, mid-table."""
    manual = {(o, "s"): points.get(o, 75) for o in "ABCDE"}
    return assess(SCHEME, values([]), [], period_id, UNITS, manual)


def _kinds(out: list, kind: ConsequenceKind) -> set[tuple[str, str]]:
    return {(c.org_id, c.period_id) for c in out if c.kind is kind}


def test_top_three_passing_are_commended() -> None:
    """Totals 95, 90, 80, 70, 50: ranks 1–3 are A, B, C, all ≥ 60."""
    out = consequences([_period("2025Q1", {"A": 95, "B": 90, "C": 80, "D": 70, "E": 50})])
    assert _kinds(out, ConsequenceKind.COMMENDED) == {
        ("A", "2025Q1"),
        ("B", "2025Q1"),
        ("C", "2025Q1"),
    }


def test_top_three_but_failing_is_not_commended() -> None:
    """C ranks 3rd with 55 < 60: not commended (the seed requires 考核合格)."""
    out = consequences([_period("2025Q1", {"A": 95, "B": 90, "C": 55, "D": 50, "E": 40})])
    assert ("C", "2025Q1") not in _kinds(out, ConsequenceKind.COMMENDED)


def test_last_and_failing_is_warned_with_deadline() -> None:
    """E last with 50: warned, correct within 90 days of 2025-03-31 → 2025-06-29."""
    out = consequences([_period("2025Q1", {"A": 95, "B": 90, "C": 80, "D": 70, "E": 50})])
    (warned,) = [c for c in out if c.kind is ConsequenceKind.WARNED]
    assert (warned.org_id, warned.deadline) == ("E", dt.date(2025, 6, 29))
    assert "通报批评" in warned.why_zh and "2025-06-29" in warned.why_zh


def test_last_but_passing_is_not_warned() -> None:
    out = consequences([_period("2025Q1", {"A": 95, "B": 90, "C": 80, "D": 70, "E": 65})])
    assert _kinds(out, ConsequenceKind.WARNED) == set()


def test_three_consecutive_lasts_recommend_head_removal() -> None:
    hist = [
        _period(p, {"A": 90, "B": 80, "C": 70, "D": 65, "E": 40})
        for p in ("2025Q3", "2025Q4", "2026Q1")
    ]
    out = consequences(hist)
    (removal,) = [c for c in out if c.kind is ConsequenceKind.HEAD_REMOVAL]
    assert (removal.org_id, removal.period_id) == ("E", "2026Q1")
    assert removal.periods == ("2025Q3", "2025Q4", "2026Q1")


def test_two_consecutive_lasts_are_not_enough() -> None:
    hist = [_period(p, {"A": 90, "E": 40}) for p in ("2025Q1", "2025Q2")]
    assert _kinds(consequences(hist), ConsequenceKind.HEAD_REMOVAL) == set()


def test_a_period_not_last_breaks_the_run() -> None:
    """E last, last, not last, last: never three in a row."""
    hist = [
        _period("2025Q1", {"A": 90, "E": 40}),
        _period("2025Q2", {"A": 90, "E": 40}),
        _period("2025Q3", {"A": 40, "E": 90}),
        _period("2025Q4", {"A": 90, "E": 40}),
    ]
    assert _kinds(consequences(hist), ConsequenceKind.HEAD_REMOVAL) == set()


def test_a_gap_in_periods_breaks_the_run() -> None:
    """Q1, Q2 and Q4 last but Q3 was not assessed: not consecutive."""
    hist = [_period(p, {"A": 90, "E": 40}) for p in ("2025Q1", "2025Q2", "2025Q4")]
    assert _kinds(consequences(hist), ConsequenceKind.HEAD_REMOVAL) == set()


def test_history_order_does_not_matter_and_fourth_last_repeats() -> None:
    hist = [_period(p, {"A": 90, "E": 40}) for p in ("2025Q4", "2025Q2", "2025Q1", "2025Q3")]
    got = _kinds(consequences(hist), ConsequenceKind.HEAD_REMOVAL)
    assert got == {("E", "2025Q3"), ("E", "2025Q4")}


def test_removal_is_not_recommended_for_a_unit_graded_passing() -> None:
    """Issue 14: E last three times with 61 (合格): the bulletin calling E 合格 does not also
    recommend removing its head (the scheme does not say require_failing: false)."""
    hist = [_period(p, {"A": 90, "E": 61}) for p in ("2025Q1", "2025Q2", "2025Q3")]
    assert _kinds(consequences(hist), ConsequenceKind.HEAD_REMOVAL) == set()


def test_removal_of_a_passing_last_unit_when_the_scheme_says_so_explicitly() -> None:
    rules = {**CONSEQUENCES, "remove_head": {"consecutive_lasts": 3, "require_failing": False}}
    scheme = make_scheme(SCHEME_ITEMS, consequences=rules)
    hist = [
        assess(
            scheme, values([]), [], p, UNITS, {(o, "s"): 61 if o == "E" else 90 for o in "ABCDE"}
        )
        for p in ("2025Q1", "2025Q2", "2025Q3")
    ]
    assert _kinds(consequences(hist), ConsequenceKind.HEAD_REMOVAL) == {("E", "2025Q3")}


def _ranked(n: int, min_ranked: int, period_id: str = "2025Q1") -> AssessmentResult:
    """``n`` units; the last (by id) fails with 40, the others pass with 90."""
    ids = "ABCDE"[:n]
    scheme = make_scheme(SCHEME_ITEMS, consequences={**CONSEQUENCES, "min_ranked": min_ranked})
    units = org_units([(o, "institution", "C1") for o in ids])
    manual = {(o, "s"): 40 if o == ids[-1] else 90 for o in ids}
    return assess(scheme, values([]), [], period_id, units, manual)


def test_last_place_in_a_ranking_smaller_than_the_minimum_has_no_consequence() -> None:
    """min_ranked 4 (the shipped schemes' reading of seed 003): of three units, C fails and
    is last, but a ranking of three has no 末位 the scheme acts on — no warning, no removal."""
    hist = [_ranked(3, 4, p) for p in ("2025Q1", "2025Q2", "2025Q3")]
    out = consequences(hist)
    assert _kinds(out, ConsequenceKind.WARNED) == set()
    assert _kinds(out, ConsequenceKind.HEAD_REMOVAL) == set()


def test_last_place_in_a_ranking_of_exactly_the_minimum_is_warned() -> None:
    hist = [_ranked(4, 4, p) for p in ("2025Q1", "2025Q2", "2025Q3")]
    out = consequences(hist)
    assert ("D", "2025Q1") in _kinds(out, ConsequenceKind.WARNED)
    assert _kinds(out, ConsequenceKind.HEAD_REMOVAL) == {("D", "2025Q3")}


def test_shipped_schemes_state_the_minimum_ranking_and_the_failing_condition() -> None:
    from yigai.assess import load_scheme

    for name in ("primary_institution", "community_2020"):
        rules = load_scheme(name).consequences
        assert (rules.min_ranked, rules.remove_head.require_failing) == (4, True), name


def test_repeated_period_is_rejected() -> None:
    with pytest.raises(AssessmentError, match="repeats a period"):
        consequences([_period("2025Q1", {"A": 1}), _period("2025Q1", {"A": 1})])


def test_units_tied_at_third_are_all_commended() -> None:
    """95, 90, 80, 80, 50: C and D share rank 3, both commended."""
    out = consequences([_period("2025Q1", {"A": 95, "B": 90, "C": 80, "D": 80, "E": 50})])
    assert {o for o, _ in _kinds(out, ConsequenceKind.COMMENDED)} == {"A", "B", "C", "D"}


def test_consequences_export_as_table() -> None:
    hist = [_period(p, {"A": 90, "E": 40}) for p in ("2025Q1", "2025Q2", "2025Q3")]
    table = consequences_table(consequences(hist))
    removal = [r for r in table.to_pylist() if r["kind"] == "head_removal"]
    assert removal[0]["periods"] == ["2025Q1", "2025Q2", "2025Q3"]
    assert table.schema.field("deadline").type == pa.date32()


def test_last_of_a_small_field_is_not_commended() -> None:
    """With two peers both rank within the top three; the one ranked last (70 below 90) is not
    commended in the bulletin that names it last (consequences.py: a yigai working rule)."""
    units = org_units([("A", "institution", "C1"), ("B", "institution", "C1")])
    manual = {("A", "s"): 90, ("B", "s"): 70}
    out = consequences([assess(SCHEME, values([]), [], "2025Q1", units, manual)])
    assert _kinds(out, ConsequenceKind.COMMENDED) == {("A", "2025Q1")}

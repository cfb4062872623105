"""assess(): a small county scored by hand, target choice, inputs checked, tables exported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pyarrow as pa
import pytest

from yigai.assess import AssessmentError, assess, load_scheme, pick_target
from yigai.assess.model import Scheme

from .factories import county_units, item, make_scheme, target, values

Q = "2025Q1"


def _scheme(**kw: Any) -> Scheme:
    """visit: linear 60 pts (baseline 80 → target 90); record: bands 30; duties: manual 10."""
    return make_scheme(
        [
            item("visit", 60, {"kind": "linear"}, name_zh="就诊率"),
            item(
                "record",
                30,
                {
                    "kind": "threshold_bands",
                    "bands": [{"reach": 90, "points": 30}, {"reach": 70, "points": 10}],
                },
            ),
            item("duties", 10, {"kind": "entered"}, manual=True, unit="points"),
        ],
        **kw,
    )


VALUES = values(
    [
        ("visit_rate", "A", Q, "90"),  # 60
        ("visit_rate", "B", Q, "85"),  # 60 × 5/10 = 30
        ("visit_rate", "D", Q, "81.5"),  # 60 × 1.5/10 = 9
        ("visit_rate", "E", Q, None),  # missing → 0
        ("visit_rate", "F", Q, "88"),  # 48
        ("record_rate", "A", Q, "95"),  # 30
        ("record_rate", "B", Q, "75"),  # 10
        ("record_rate", "D", Q, "60"),  # 0
        ("record_rate", "E", Q, "91"),  # 30
        ("record_rate", "F", Q, "91"),  # 30
        ("visit_rate", "A", "2024Q4", "10"),  # other period: ignored
        ("other_rate", "A", Q, "1"),  # not in the scheme: ignored
    ]
)
TARGETS = [target("visit_rate", "90", "80")]
MANUAL = {("A", "duties"): "9", ("B", "duties"): 10, ("D", "duties"): D("4.5"), ("E", "duties"): 0}


def _run(**kw: Any) -> Any:
    args: dict[str, Any] = {
        "scheme": _scheme(),
        "values": VALUES,
        "targets": TARGETS,
        "period_id": Q,
        "org_units": county_units(),
        "manual_scores": MANUAL,
    }
    args.update(kw)
    return assess(**args)


def test_totals_grades_and_ranks_by_hand() -> None:
    """A 60+30+9 = 99; B 30+10+10 = 50; D 9+0+4.5 = 13.5; E 0+30+0 = 30 (visit missing);
    F 48+30+0 = 78 (no manual entry → 0), alone in county C2. Pass mark 60."""
    r = _run()
    got = {o.org_id: (o.total, o.grade, o.rank, o.last) for o in r.orgs}
    assert got == {
        "A": (D("99.00"), "合格", 1, False),
        "B": (D("50.00"), "不合格", 2, False),
        "E": (D("30.00"), "不合格", 3, False),
        "D": (D("13.50"), "不合格", 4, True),
        "F": (D("78.00"), "合格", 1, False),
    }
    assert [o.org_id for o in r.orgs] == ["A", "B", "E", "D", "F"]


def test_missing_value_item_scores_zero_and_says_so() -> None:
    e_visit = next(i for i in _run().items_of("E") if i.item_id == "visit")
    assert (e_visit.points, e_visit.status, e_visit.value) == (D(0), "missing", None)
    assert "无数据" in e_visit.why_zh and "按0分计" in e_visit.why_zh


def test_missing_manual_entry_scores_zero_and_says_not_entered() -> None:
    f_duties = next(i for i in _run().items_of("F") if i.item_id == "duties")
    assert (f_duties.points, f_duties.status) == (D(0), "missing")
    assert "考核人员未录入" in f_duties.why_zh


def test_inst_types_filter_excludes_other_institutions() -> None:
    r = _run(scheme=_scheme(inst_types=["village_clinic"]), manual_scores={("D", "duties"): 1})
    assert [o.org_id for o in r.orgs] == ["D"]


def test_manual_score_for_unit_not_assessed_is_rejected() -> None:
    with pytest.raises(AssessmentError, match="'A' is not an assessed unit"):
        _run(scheme=_scheme(inst_types=["village_clinic"]))


def test_values_provider_is_called_with_the_period() -> None:
    asked: list[list[str]] = []

    def provider(periods: list[str]) -> pa.Table:
        asked.append(periods)
        return VALUES

    assert _run(values=provider).org("A").total == D("99.00")
    assert asked == [[Q]]


def test_scheme_item_target_overrides_targets_table() -> None:
    """Item target 100, baseline 80: B 85 → 100 × 5/20 = 25."""
    s = make_scheme([item("visit", 100, {"kind": "linear"}, target=100, baseline=80)])
    r = assess(s, VALUES, TARGETS, Q, county_units())
    assert r.org("B").total == D("25.00")


def test_missing_target_stops_the_run_naming_item_and_unit() -> None:
    with pytest.raises(AssessmentError, match=r"item visit .*has no target for A"):
        _run(targets=[])


def test_missing_baseline_for_linear_stops_the_run() -> None:
    with pytest.raises(AssessmentError, match="has no baseline for A"):
        _run(targets=[target("visit_rate", "90")])


def test_most_specific_target_scope_wins() -> None:
    ts = [
        target("visit_rate", "90", "80"),
        target("visit_rate", "86", "80", scope="kind:institution"),
        target("visit_rate", "82", "80", scope="B"),
    ]
    end = dt.date(2025, 3, 31)
    assert pick_target(ts, "visit_rate", "B", "institution", end).value == D("82")
    assert pick_target(ts, "visit_rate", "A", "institution", end).value == D("86")
    assert pick_target(ts, "visit_rate", "X", "community", end).value == D("90")


def test_target_with_nearest_future_deadline_applies_then_latest() -> None:
    """Deadlines 2020-12-31 (85%) and 2022-12-31 (90%): 2021 uses 2022's; 2023 keeps 2022's."""
    ts = [
        target("r", "85", deadline=dt.date(2020, 12, 31)),
        target("r", "90", deadline=dt.date(2022, 12, 31)),
    ]
    assert pick_target(ts, "r", "A", "institution", dt.date(2020, 6, 30)).value == D("85")
    assert pick_target(ts, "r", "A", "institution", dt.date(2021, 12, 31)).value == D("90")
    assert pick_target(ts, "r", "A", "institution", dt.date(2023, 12, 31)).value == D("90")


def test_two_targets_with_same_scope_and_deadline_are_ambiguous() -> None:
    ts = [target("r", "85"), target("r", "90")]
    with pytest.raises(AssessmentError, match="same deadline 2030-12-31: ambiguous"):
        pick_target(ts, "r", "A", "institution", dt.date(2025, 3, 31))


def test_period_of_wrong_grain_is_rejected() -> None:
    with pytest.raises(AssessmentError, match="assesses by quarter; 2025 is a year"):
        _run(period_id="2025")


def test_bad_value_text_names_row_and_column() -> None:
    bad = values([("visit_rate", "A", Q, "87,5")])
    with pytest.raises(AssessmentError, match=r"row 1 column value.*'87,5' is not a number"):
        _run(values=bad)


def test_duplicate_value_rows_are_rejected() -> None:
    dup = values([("visit_rate", "A", Q, "87"), ("visit_rate", "A", Q, "88")])
    with pytest.raises(AssessmentError, match=r"row 2.*duplicate row"):
        _run(values=dup)


def test_manual_score_above_weight_is_rejected() -> None:
    with pytest.raises(AssessmentError, match="points 11 outside 0–10"):
        _run(manual_scores={("A", "duties"): 11})


def test_manual_score_for_indicator_item_is_rejected() -> None:
    with pytest.raises(AssessmentError, match="'visit' is not a manual item"):
        _run(manual_scores={("A", "visit"): 5})


def test_manual_scores_accepted_as_table() -> None:
    table = pa.table({"org_id": ["A"], "item_id": ["duties"], "value": ["7.25"]})
    assert _run(manual_scores=table).org("A").total == D("97.25")


def test_no_assessed_units_is_an_error() -> None:
    with pytest.raises(AssessmentError, match="holds no unit"):
        _run(scheme=_scheme(org_kind="community"))


def test_result_exports_totals_and_items_tables() -> None:
    tables = _run().tables()
    totals, items = tables["assessment_totals"], tables["assessment_items"]
    assert {"org_id", "total", "grade", "rank"} <= set(totals.column_names)
    assert totals.num_rows == 5 and items.num_rows == 15
    assert totals.column("total").type == pa.decimal128(9, 2)
    df = _run().to_pandas()["assessment_items"]
    row = df[(df.org_id == "B") & (df.item_id == "visit")].iloc[0]
    assert (row.value, row.target, row.baseline, row.points) == ("85", "90", "80", D("30.00"))


def test_shipped_primary_scheme_runs_on_hand_inputs() -> None:
    """药占比 45, the scheme's floor 60 (wins over the target's baseline 50), target 40:
    15 × (45 − 60) ÷ (40 − 60) = 11.25; every other item missing → 0; plus manual duties 14 and
    satisfaction 10: total 35.25, 不合格 (below 60). Scheme: schemes/primary_institution.yaml."""
    s = load_scheme("primary_institution")
    vals = values([("drug_share", "A", Q, "45")])
    ts = [target(i.indicator, "50", "40") for i in s.items if i.indicator] + [
        target("drug_share", "40", "50", scope="A")  # more specific than "*": wins
    ]
    r = assess(
        s,
        vals,
        ts,
        Q,
        county_units(),
        {("A", "public_health_duties"): 14, ("A", "satisfaction"): 10},
    )
    assert (r.org("A").total, r.org("A").grade) == (D("35.25"), "不合格")


def test_targets_accepted_as_table() -> None:
    table = pa.table(
        {
            "indicator": ["visit_rate"],
            "scope": ["*"],
            "value": ["90"],
            "deadline": [dt.date(2030, 12, 31)],
            "baseline": ["80"],
        }
    )
    assert _run(targets=table).org("A").total == D("99.00")


def test_targets_table_with_bad_deadline_names_row() -> None:
    table = pa.table(
        {"indicator": ["visit_rate"], "scope": ["*"], "value": ["90"], "deadline": ["2030-13-01"]}
    )
    with pytest.raises(AssessmentError, match="targets row 1 column deadline"):
        _run(targets=table)

"""Page 1 (要点, issue 14 §3): missed targets with their gap and counts, the units that lag
on each (named, with values and counts), overdue tasks with their lead, next steps with
owner and month. Worked on the fixture county (factories.py): 2025年第一季度, issued
2025-04-10, so next steps are due by the end of May 2025."""

from __future__ import annotations

from yigai.reports.key_points import KeyPoints
from yigai.reports.sections import ReportKind, build

from .factories import make_data


def _points() -> KeyPoints:
    points = build(make_data("2025Q1"), ReportKind.QUARTERLY).key_points
    assert points is not None
    return points


def test_a_missed_target_says_by_how_much_with_the_counts_behind_it() -> None:
    by_id = {m.row.meta.id: m for m in _points().missed}
    assert by_id["primary_visit_rate"].sentence == (
        "基层就诊率55.00%（5,500/10,000），低于目标值65%，差10.00个百分点。"
    )


def test_red_misses_come_before_those_close_to_the_target() -> None:
    order = [m.row.meta.id for m in _points().missed]
    assert order == ["primary_visit_rate", "outpatient_cost_per_visit", "in_county_visit_rate"]


def test_lagging_units_are_named_with_value_and_counts_and_counted() -> None:
    """U1 (92.10) and U3 (90.00) meet 90%; U2 (86.40) lags; U4 has no value (0 of 0)."""
    by_id = {m.row.meta.id: m for m in _points().missed}
    sentence = by_id["in_county_visit_rate"].sentence
    assert "3个单位中1个未达标：乙镇卫生院86.40%（8,640/10,000）" in sentence
    assert "甲镇卫生院" not in sentence and "丙镇卫生院" not in sentence


def test_a_money_average_shows_no_fen_counts() -> None:
    by_id = {m.row.meta.id: m for m in _points().missed}
    assert by_id["outpatient_cost_per_visit"].sentence == (
        "门诊次均费用47.85元，高于目标值45.00元，差2.85元。"
    )


def test_overdue_tasks_name_their_lead() -> None:
    assert _points().overdue_sentence == (
        "逾期未完成的重点任务1项：T02“实行医保基金总额付费”（牵头单位：县医疗保障局）。"
    )


def test_next_steps_have_an_owner_and_a_month() -> None:
    steps = _points().steps
    task = [s for s in steps if "T02" in s.text]
    assert task and task[0].owner == "县医疗保障局" and task[0].month == "2025年5月"
    assert task[0].sentence.endswith("（责任单位：县医疗保障局；完成时限：2025年5月底前）。")


def test_next_step_of_a_missed_indicator_names_its_lagging_units() -> None:
    """A red indicator with lagging units gives the step to them, worst first, not to the
    office (target raised to 95%: every unit with a value lags)."""
    data = make_data(
        "2025Q1",
        targets=[
            t
            if t.indicator_id != "in_county_visit_rate"
            else type(t)(t.indicator_id, t.value + 5, t.deadline)
            for t in make_data("2025Q1").targets
        ],
    )
    points = build(data, ReportKind.QUARTERLY).key_points
    assert points is not None
    (step,) = [s for s in points.steps if "县域内就诊率" in s.text]
    assert step.owner == "乙镇卫生院、丙镇卫生院、甲镇卫生院"  # worst first: 86.40, 90.00, 92.10


def test_page_one_details_the_plans_key_indicators_and_names_the_other_misses() -> None:
    data = make_data("2025Q1", body_indicator_ids=("in_county_visit_rate",))
    points = build(data, ReportKind.QUARTERLY).key_points
    assert points is not None
    assert [m.row.meta.id for m in points.missed] == ["in_county_visit_rate"]
    assert points.others_sentence == (
        "其他未达标指标2项：基层就诊率（差10.00个百分点）、门诊次均费用（差2.85元），详见附件。"
    )


def test_a_city_calls_its_compared_units_counties() -> None:
    from yigai.orgs.model import OrgKind
    from yigai.reports import OrgUnit

    from .factories import UNITS

    counties = [
        OrgUnit(u.id, u.name_zh.replace("镇卫生院", "县"), OrgKind.COUNTY) for u in UNITS[:3]
    ]
    points = build(make_data("2025Q1", units=counties), ReportKind.QUARTERLY).key_points
    assert points is not None
    (visits,) = [m for m in points.missed if m.row.meta.id == "in_county_visit_rate"]
    assert "3个县中1个未达标：乙县86.40%（8,640/10,000）" in visits.sentence

"""Report content built from the fixture county (tests/reports/factories.py).

Worked values (tolerance 5%, data/params/status/amber_tolerance.yaml):
县域内就诊率 88.50 vs 90 → band floor 85.50 → amber; 环比 88.50 − 87.90 = +0.60 points;
基层就诊率 55.00 vs 65 → floor 61.75, previous 56.00 (falling) → red;
药占比 38.20 ≤ 40 → green; 门诊次均费用 47.85 vs 45.00 → ceiling 47.25, but previous
48.40 (falling cost) → amber, 环比 (47.85 − 48.40) ÷ 48.40 × 100 = −1.136… → −1.14%,
同比 (47.85 − 51.03) ÷ 51.03 × 100 = −6.231… → −6.23%; 重点人群签约率 null → 无数据.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yigai.orgs.model import OrgKind
from yigai.periods import parse
from yigai.reports import OrgUnit, ReformTask, ReportDataError, Target
from yigai.reports.sections import ReportKind, build, issuer_size_pt, target_for, task_cells
from yigai.reports.status import Status

from .factories import make_data

D = Decimal


@pytest.fixture(scope="module")
def monthly():
    return build(make_data("202503"), ReportKind.MONTHLY)


def test_indicator_statuses_match_hand_computation(monthly):
    statuses = {r.meta.id: r.status for r in monthly.indicator_rows}
    assert statuses == {
        "in_county_visit_rate": Status.AMBER,
        "primary_visit_rate": Status.RED,
        "drug_share": Status.GREEN,
        "outpatient_cost_per_visit": Status.AMBER,
        "key_contract_rate": Status.NO_DATA,
    }


def test_indicator_row_cells_show_value_target_history_and_changes(monthly):
    row = next(r for r in monthly.indicator_rows if r.meta.id == "outpatient_cost_per_visit")
    assert row.cells == [
        "门诊次均费用",
        "47.85元",
        "45.00元",
        "48.40元",
        "51.03元",
        "-1.14%",
        "-6.23%",
        "接近目标",
    ]
    rate = next(r for r in monthly.indicator_rows if r.meta.id == "in_county_visit_rate")
    assert rate.cells[5:7] == ["+0.60个百分点", "+3.30个百分点"]


def test_summary_counts_statuses_and_names_best_and_worst_units(monthly):
    assert monthly.summary[0] == (
        "2025年3月，示范县纳入监测的5项指标中，1项达到目标值，2项接近目标或较上期改善，"
        "1项未达标，1项本期无数据。"
    )
    assert (
        monthly.summary[1]
        == "从县域内就诊率看，甲镇卫生院表现最好（92.10%），乙镇卫生院表现最差（86.40%）。"
    )
    assert monthly.summary[2] == (
        "综合考核得分最高的是甲镇卫生院（95.50分），最低的是乙镇卫生院（58.00分）；"
        "4个单位中3个考核合格，1个不合格。"
    )
    assert monthly.summary[3] == "3项重点改革任务中，已完成1项，未完成2项，其中逾期1项。"


def test_best_unit_of_lower_is_better_indicator_is_the_lowest():
    """药占比 is 逆向: the unit with the lowest value (86.40) is named best."""
    base = make_data().results
    units = [
        replace(r, indicator_id="drug_share")
        for r in base
        if r.org_id.startswith("U") and r.indicator_id == "in_county_visit_rate"
    ]
    report = build(
        make_data(key_indicator_id="drug_share", results=[*base, *units]), ReportKind.MONTHLY
    )
    assert (
        "从药占比看，乙镇卫生院表现最好（86.40%），甲镇卫生院表现最差（92.10%）。" in report.summary
    )


def test_ranking_rows_are_ordered_and_carry_consequences(monthly):
    assert [(r.rank, r.name_zh, r.total) for r in monthly.ranking_rows] == [
        (1, "甲镇卫生院", D("95.50")),
        (2, "丙镇卫生院", D("88.00")),
        (3, "丁社区卫生服务中心", D("72.25")),
        (4, "乙镇卫生院", D("58.00")),
    ]
    assert monthly.ranking_rows[-1].consequences_zh == "通报批评，限期一个月整改"
    assert monthly.ranking_sentences == [
        "对甲镇卫生院、丙镇卫生院、丁社区卫生服务中心予以通报表扬。",
        "对乙镇卫生院予以通报批评，限期整改。",
    ]


def test_overdue_tasks_come_first_and_are_named(monthly):
    assert [t.code for t in monthly.tasks] == ["T02", "T01", "T03"]
    assert monthly.task_sentences == [
        "逾期未完成的任务1项：T02“实行医保基金总额付费”（牵头单位：县医疗保障局）。"
    ]


def test_problems_come_from_red_indicators_and_overdue_tasks(monthly):
    assert monthly.problems == [
        "基层就诊率为55.00%，未达到目标值65%，且未较上期（56.00%）改善。",
        "重点任务T02“实行医保基金总额付费”已超过完成时限（2025年2月28日），当前状态为推进中，"
        "最新进展：测算方案待审定。",
    ]
    assert monthly.next_steps[0].startswith("聚焦基层就诊率等1项未达标指标")
    assert monthly.next_steps[1] == "督促县医疗保障局加快推进逾期任务，限期完成并报送整改情况。"
    assert "乙镇卫生院" in monthly.next_steps[2]


def test_no_problems_gives_a_plain_statement():
    data = make_data(tasks=[], consequences=[], targets=[])
    report = build(data, ReportKind.MONTHLY)
    assert report.problems == ["本期各项监测指标均达到或接近目标，重点任务均在时限内推进。"]


def test_trend_covers_the_last_twelve_months_only(monthly):
    """202403 (the 同比 base) is 12 months back and falls outside 202404–202503."""
    assert [p.id for p, _ in monthly.key_trend] == [
        "202410",
        "202411",
        "202412",
        "202501",
        "202502",
        "202503",
    ]


def test_units_without_value_are_left_out_of_the_chart_data(monthly):
    assert [u.org_id for u in monthly.key_by_unit] == ["U1", "U2", "U3"]


def test_quarterly_bulletin_compares_with_previous_quarter():
    report = build(make_data("2025Q1"), ReportKind.QUARTERLY)
    row = next(r for r in report.indicator_rows if r.meta.id == "drug_share")
    assert (row.previous, row.last_year) == (D("39.00"), D("42.50"))
    assert report.title == "关于2025年第1季度县域医共体建设监测考核情况的通报"


def test_monthly_report_refuses_a_quarter():
    with pytest.raises(ReportDataError, match=r"不是月.*is not a month"):
        build(make_data("2025Q1"), ReportKind.MONTHLY)


def test_bulletin_refuses_a_month():
    with pytest.raises(ReportDataError, match=r"不是季度.*is not a quarter"):
        build(make_data("202503"), ReportKind.QUARTERLY)


UNIT = OrgUnit("U1", "甲镇卫生院", OrgKind.INSTITUTION)
MARCH = parse("202503")


def test_unit_specific_target_beats_kind_and_wildcard():
    targets = [
        Target("x", D("1"), dt.date(2025, 12, 31), scope="*"),
        Target("x", D("2"), dt.date(2025, 12, 31), scope="kind:institution"),
        Target("x", D("3"), dt.date(2025, 12, 31), scope="U1"),
    ]
    assert target_for(targets, "x", UNIT, MARCH).value == D("3")
    assert target_for(targets[:2], "x", UNIT, MARCH).value == D("2")


def test_nearest_future_deadline_wins_then_latest_past():
    targets = [
        Target("x", D("60"), dt.date(2024, 12, 31)),
        Target("x", D("65"), dt.date(2025, 12, 31)),
        Target("x", D("70"), dt.date(2026, 12, 31)),
    ]
    assert target_for(targets, "x", UNIT, MARCH).value == D("65")
    assert target_for(targets, "x", UNIT, parse("202701")).value == D("70")


def test_issuer_mark_shrinks_to_fit_one_line():
    """20 characters: 436 // 20 = 21 pt (420 pt ≤ 版心 442 pt); short names stay at 一号 (26 pt)."""
    assert issuer_size_pt("示范县深化医药卫生体制改革领导小组办公室") == 21
    assert issuer_size_pt("示范县医改办") == 26


def test_task_without_a_date_shows_its_deadline_text():
    task = ReformTask(
        "T09", "完善绩效考核", "县卫生健康局", (), None, "in_progress", False, "", "长期坚持"
    )
    report = build(make_data(tasks=[task]), ReportKind.MONTHLY)
    assert report.tasks[0].deadline is None
    assert task_cells(task)[4] == "长期坚持"


def test_monthly_report_without_assessment_says_so():
    report = build(make_data(totals=[], consequences=[]), ReportKind.MONTHLY)
    assert report.ranking_rows == [] and report.ranking_sentences == ["本期未开展考核排名。"]


@given(st.text(alphabet="示范县医改办公室领导小组", min_size=1, max_size=31))
def test_issuer_mark_always_fits_the_type_area(issuer):
    """Any name of up to 31 characters fits 436 pt at the chosen size (never below 14 pt)."""
    size = issuer_size_pt(issuer)
    assert 14 <= size <= 26 and size * len(issuer) <= 436

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
from yigai.reports import (
    Consequence,
    ConsequenceKind,
    OrgUnit,
    ReformTask,
    ReportDataError,
    Target,
)
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
        # 47.85 against ≤45.00 (ceiling 47.25): missed, though better than 48.40 last period
        "outpatient_cost_per_visit": Status.RED,
        "key_contract_rate": Status.NO_DATA,
    }


def test_indicator_row_cells_show_value_target_history_and_changes(monthly):
    row = next(r for r in monthly.indicator_rows if r.meta.id == "outpatient_cost_per_visit")
    assert row.cells == [
        "门诊次均费用",
        "47.85元",
        "≤45.00元",
        "48.40元",
        "51.03元",
        "-1.14%",
        "-6.23%",
        "改善",
        "未达标",
    ]
    rate = next(r for r in monthly.indicator_rows if r.meta.id == "in_county_visit_rate")
    assert rate.cells[5:7] == ["+0.60个百分点", "+3.30个百分点"]


def test_summary_counts_statuses_and_names_best_and_worst_units(monthly):
    assert monthly.summary[0] == (
        "2025年3月，示范县纳入监测的5项指标中，1项达到目标值，1项接近目标，"
        "2项未达标，1项本期无数据。本期无数据的指标为重点人群签约率，相关数据报送或接入后补充通报。"
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
    assert monthly.ranking_rows[-1].consequences_zh == "予以通报批评，限期整改"
    assert monthly.ranking_sentences == [
        "2025年3月对4个单位开展考核，得分与名次见表2。",
        "对甲镇卫生院、丙镇卫生院、丁社区卫生服务中心予以通报表彰。",
        "对乙镇卫生院予以通报批评，限期整改。",
    ]


def test_body_text_and_ranking_table_use_one_wording_for_each_consequence(monthly):
    """Issue 14: the table said 通报表扬 / the source's own text while the body said
    建议按规定调整主要负责人; now every consequence kind has one wording, in both places."""
    data = replace(
        monthly.data,
        consequences=[
            Consequence("U2", ConsequenceKind.REMOVAL_RECOMMENDED, "连续 3 次考核位列末位"),
            Consequence("U1", ConsequenceKind.COMMENDED, "第 1 名"),
        ],
    )
    report = build(data, ReportKind.MONTHLY)
    cells = {r.org_id: r.consequences_zh for r in report.ranking_rows}
    assert cells["U2"] == "建议免去单位负责人职务" and cells["U1"] == "予以通报表彰"
    assert "对乙镇卫生院建议免去单位负责人职务。" in report.ranking_sentences
    assert "对甲镇卫生院予以通报表彰。" in report.ranking_sentences


def test_overdue_tasks_come_first_and_are_named(monthly):
    assert [t.code for t in monthly.tasks] == ["T02", "T01", "T03"]
    assert monthly.task_sentences == [
        "列入台账的重点改革任务3项，已完成1项，推进中2项，详见表3。"
        "逾期未完成的任务1项：T02“实行医保基金总额付费”（牵头单位：县医疗保障局）。"
    ]


def _late(n: int) -> list[ReformTask]:
    return [
        ReformTask(
            f"L{k}", f"任务{k}", "县卫生健康局", (), dt.date(2025, 1, k), "not_started", True
        )
        for k in range(1, n + 1)
    ]


def test_many_overdue_tasks_are_one_problem_pointing_at_table_3():
    """sections module doc: overdue tasks are one item of 存在问题, however many."""
    data = replace(make_data("202503"), tasks=_late(5))
    report = build(data, ReportKind.MONTHLY)
    task_problems = [p for p in report.problems if "L1" in p]
    assert task_problems == [
        "5项重点任务超过完成时限仍未完成（L1、L2、L3、L4、L5），最早的完成时限为2025年1月1日，"
        "各项进展见表3。"
    ]


def test_more_than_three_overdue_tasks_are_listed_by_code():
    data = replace(make_data("202503"), tasks=_late(4))
    report = build(data, ReportKind.MONTHLY)
    assert report.task_sentences == [
        "列入台账的重点改革任务4项，已完成0项，推进中0项，未启动4项，详见表3。"
        "逾期未完成的任务4项：L1、L2、L3、L4（表3中标注“逾期”）。"
    ]


def test_problems_come_from_red_indicators_and_overdue_tasks(monthly):
    assert monthly.problems == [
        "基层就诊率为55.00%，未达到目标值65%，且未较上期（56.00%）改善。",
        "门诊次均费用为47.85元，未达到目标值45.00元。",
        "重点任务T02“实行医保基金总额付费”已超过完成时限（2025年2月28日），当前状态为推进中，"
        "最新进展：测算方案待审定。",
    ]
    assert monthly.next_steps[0].startswith("聚焦基层就诊率、门诊次均费用等2项未达标指标")
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
    assert report.title == "关于2025年第一季度县域医共体建设监测考核情况的通报"


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


def _with_yearly(period_id: str):
    """The fixture county plus a year-only indicator (规范管理率: 2025 61.20, 2024 58.00)."""
    from yigai.reports import IndicatorMeta, IndicatorValue
    from yigai.reports.model import Direction, Unit

    base = make_data(period_id)
    meta = IndicatorMeta(
        "phs_rate", "高血压患者规范管理率", "PHS rate", Unit.PERCENT, Direction.HIGHER, ("year",)
    )
    rows = [
        IndicatorValue("phs_rate", "C01", y, "year", n, 10000, D(v))
        for y, n, v in (("2025", 6120, "61.20"), ("2024", 5800, "58.00"))
    ]
    return replace(base, indicators=[*base.indicators, meta], results=[*base.results, *rows])


def test_year_only_indicator_shows_the_year_value_in_the_last_quarter():
    """sections module doc: 2025Q4 closes the year, so the row shows 2025's 61.20 marked
    （全年）, 同比 against 2024's 58.00: 61.20 − 58.00 = +3.20 points; no 环比."""
    report = build(_with_yearly("2025Q4"), ReportKind.QUARTERLY)
    row = next(r for r in report.indicator_rows if r.meta.id == "phs_rate")
    assert (row.value, row.last_year, row.yoy, row.mom) == (D("61.20"), D("58.00"), D("3.20"), None)
    assert row.cells[1] == "61.20%（全年）" and row.status is Status.NO_TARGET
    assert "高血压患者规范管理率按年度统计，表1中为2025年全年值。" in report.summary[0]


def test_year_only_indicator_is_not_counted_as_missing_mid_year():
    """2025Q1 does not close the year: the row is 按年统计, outside the 无数据 count."""
    report = build(_with_yearly("2025Q1"), ReportKind.QUARTERLY)
    row = next(r for r in report.indicator_rows if r.meta.id == "phs_rate")
    assert row.status is Status.NOT_DUE and row.cells[1] == "—"
    no_data = sum(r.status is Status.NO_DATA for r in report.indicator_rows)
    assert f"{no_data}项本期无数据" in report.summary[0]
    assert "1项按年度统计、本期不单列" in report.summary[0]
    assert "高血压患者规范管理率按年度统计，将在年末通报中反映。" in report.summary[0]


def test_deduction_item_with_nothing_deducted_is_not_called_unscored():
    """A weight-0 penalty item at 0 points means no breach, not a gap in the scoring."""
    from yigai.reports import AssessmentItem

    base = make_data("2025Q1")
    zero = [
        AssessmentItem(u, "违反基本药物制度", D(0), None, D("0.00"), "无扣分", weight=D(0))
        for u in ("U1", "U2")
    ]
    report = build(replace(base, items=[*base.items, *zero]), ReportKind.QUARTERLY)
    assert not any("违反基本药物制度" in s for s in report.ranking_sentences)


def test_tied_totals_share_a_rank_and_the_text_says_so():
    """Competition ranking (1224): two units on 90.00 both rank 1, the next ranks 3."""
    from yigai.reports import AssessmentTotal

    totals = [
        AssessmentTotal("U1", D("90.00"), "合格", 1),
        AssessmentTotal("U2", D("90.00"), "合格", 1),
        AssessmentTotal("U3", D("70.00"), "合格", 3),
    ]
    report = build(replace(make_data("2025Q1"), totals=totals), ReportKind.QUARTERLY)
    assert [r.rank for r in report.ranking_rows] == [1, 1, 3]
    assert "（得分相同者名次并列，其后名次顺延）" in report.ranking_sentences[0]


def test_another_assessment_is_reported_with_its_title():
    from yigai.reports import AssessmentTotal, RankingGroup

    group = RankingGroup(
        "2025年度县域医共体绩效考核",
        [
            AssessmentTotal("U1", D("81.50"), "良好", 1),
            AssessmentTotal("U2", D("70.00"), "合格", 2),
        ],
    )
    report = build(replace(make_data("2025Q4"), other_rankings=[group]), ReportKind.QUARTERLY)
    assert (
        "2025年度县域医共体绩效考核结果：第1名甲镇卫生院（81.50分，良好）；"
        "第2名乙镇卫生院（70.00分，合格）。"
    ) in report.ranking_sentences


def test_item_scored_zero_by_its_rule_is_a_result_not_a_gap():
    """Only items no unit could be scored on are called unscored (status ``missing``)."""
    from yigai.reports import AssessmentItem

    base = make_data("2025Q1")
    below = [
        AssessmentItem(u, "规范管理率", D("28.81"), D("60"), D("0.00"), "未达标", D(5), "scored")
        for u in ("U1", "U2")
    ]
    gaps = [
        AssessmentItem(
            u, "医保基金县域内支出率", None, D("80"), D("0.00"), "无数据", D(12), "missing"
        )
        for u in ("U1", "U2")
    ]
    report = build(replace(base, items=[*base.items, *below, *gaps]), ReportKind.QUARTERLY)
    said = [s for s in report.ranking_sentences if "均未得分" in s]
    assert len(said) == 1 and "医保基金县域内支出率" in said[0] and "规范管理率" not in said[0]


def test_another_assessment_of_one_unit_is_summarised_with_its_grade():
    from yigai.reports import AssessmentTotal, RankingGroup

    group = RankingGroup(
        "2025年度县域医共体绩效考核", [AssessmentTotal("U1", D("55.74"), "不合格", 1)]
    )
    report = build(replace(make_data("2025Q4"), other_rankings=[group]), ReportKind.QUARTERLY)
    assert "2025年度县域医共体绩效考核中，甲镇卫生院得分55.74分（不合格）。" in report.summary


def test_a_reported_value_is_marked_in_table_1_and_explained(monthly):
    """Issue 4 §2: values entered as aggregates are shown, visibly marked 填报."""
    data = make_data("202503")
    results = [
        replace(r, source="reported")
        if (r.indicator_id, r.org_id, r.period_id) == ("drug_share", "C01", "202503")
        else r
        for r in data.results
    ]
    report = build(make_data("202503", results=results), ReportKind.MONTHLY)
    rows = {r.meta.id: r for r in report.indicator_rows}
    assert rows["drug_share"].value_text == "38.20%（填报）"
    assert rows["in_county_visit_rate"].value_text == "88.50%"
    assert "填报" in report.table1_lead
    assert "填报" not in monthly.table1_lead


def test_a_total_resting_on_missing_inputs_is_marked_provisional(monthly):
    """Issue 14: an item with no input is never silently 0 — the unit's grade reads 暂定 in
    the ranking table and the text says why."""
    totals = [replace(t, provisional=True) if t.org_id == "U3" else t for t in monthly.data.totals]
    report = build(replace(monthly.data, totals=totals), ReportKind.MONTHLY)
    grades = {r.org_id: r.grade for r in report.ranking_rows}
    assert grades["U3"] == "合格（暂定）" and grades["U1"] == "合格"
    assert any(s.startswith("丙镇卫生院的考核得分为暂定") for s in report.ranking_sentences)


def test_an_unchanged_value_says_yu_shang_qi_chi_ping():
    """Issue 14 §3: no change reads 与上期持平 (a bare 0.00个百分点 reads as a missing figure)."""
    from yigai.reports import Unit
    from yigai.reports.status import change_label_zh

    assert change_label_zh(Decimal("0.00"), Unit.PERCENT, "与上期持平") == "与上期持平"
    results = [
        replace(r, value=Decimal("88.50"))
        if (r.indicator_id, r.org_id, r.period_id) == ("in_county_visit_rate", "C01", "2024Q4")
        else r
        for r in make_data("2025Q1").results
    ]
    report = build(make_data("2025Q1", results=results), ReportKind.QUARTERLY)
    row = next(r for r in report.indicator_rows if r.meta.id == "in_county_visit_rate")
    assert row.cells[5] == "与上期持平"


def test_body_keeps_the_plans_key_indicators_and_the_annex_all_with_counts():
    data = make_data("2025Q1", body_indicator_ids=("drug_share", "in_county_visit_rate"))
    report = build(data, ReportKind.QUARTERLY)
    assert [r.meta.id for r in report.body_rows] == ["drug_share", "in_county_visit_rate"]
    assert len(report.indicator_rows) == len(data.indicators)
    annex = next(r for r in report.indicator_rows if r.meta.id == "in_county_visit_rate")
    assert annex.annex_cells[2] == "8,850/10,000"


def test_an_unknown_body_indicator_is_refused_with_its_place():
    with pytest.raises(ReportDataError, match="报告设置第1行“body_indicator_ids”列"):
        make_data("2025Q1", body_indicator_ids=("no_such",))


def test_a_control_rate_states_its_period_rule():
    """Issue 14 §3: a control rate means something different over a month, a quarter and a
    year; the report says how to read it (data/period_rules.yaml)."""
    from yigai.reports import Direction, IndicatorMeta, Unit

    from .factories import INDICATORS

    control = IndicatorMeta(
        "hypertension_control_rate",
        "高血压患者血压控制率",
        "Hypertension control",
        Unit.PERCENT,
        Direction.HIGHER,
    )
    report = build(make_data("2025Q1", indicators=[*INDICATORS, control]), ReportKind.QUARTERLY)
    (rule,) = report.period_rules(report.indicator_rows)
    assert rule.startswith("高血压患者血压控制率：") and "以年度值为准" in rule
    assert (
        report.period_rules([r for r in report.indicator_rows if r.meta.id == "drug_share"]) == []
    )


def test_units_are_compared_side_by_side_in_rank_order():
    """Issue 14 §3: a bulletin compares its units (a city's counties) in a table, best first
    on the first key indicator; U4 (no value) last."""
    report = build(make_data("2025Q1"), ReportKind.QUARTERLY)
    compared = report.unit_comparison
    assert compared is not None
    headers, rows = compared
    assert [zh for zh, _ in headers] == ["单位", "县域内就诊率"]
    assert rows == [
        ["甲镇卫生院", "92.10%"],
        ["丙镇卫生院", "90.00%"],
        ["乙镇卫生院", "86.40%"],
        ["丁社区卫生服务中心", "—"],
    ]


def test_no_comparison_table_for_a_single_unit():
    from .factories import UNITS

    assert build(make_data("2025Q1", units=UNITS[:1]), ReportKind.QUARTERLY).unit_comparison is None

"""The XLSX annex parsed back with openpyxl: one bilingual header row, autofilter, frozen
panes, values and number formats (worked values in test_sections.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook


@pytest.fixture(scope="module")
def wb(monthly_files):
    return load_workbook(monthly_files["xlsx"])


def _row_of(ws, first_cell: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == first_cell)


def test_one_sheet_per_table(wb):
    assert wb.sheetnames == ["数据", "指标完成情况", "考核排名", "考核得分明细", "重点任务"]


def test_every_sheet_has_one_bilingual_header_row_frozen_and_filtered(wb):
    """Issue 14 §3: reviewers merge and filter, so one header row (Chinese and English in one
    cell), the header frozen and an autofilter over the table."""
    ws = wb["指标完成情况"]
    assert [c.value for c in ws[1]][:3] == [
        "指标编码 / Indicator id",
        "指标 / Indicator",
        "单位 / Unit",
    ]
    assert ws.cell(2, 1).value not in (None, "Indicator id")  # data starts on row 2
    for name in wb.sheetnames:
        assert wb[name].freeze_panes == "A2", name
        assert wb[name].auto_filter.ref and wb[name].auto_filter.ref.startswith("A1:"), name


def test_percent_values_are_fractions_with_percent_format(wb):
    """88.50% is stored as 0.885 and shown with 0.00% (Excel shows 88.50%)."""
    ws = wb["指标完成情况"]
    r = _row_of(ws, "in_county_visit_rate")
    cell = ws.cell(r, 5)
    assert Decimal(str(cell.value)) == Decimal("0.885") and cell.number_format == "0.00%"
    assert ws.cell(r, 9).value == 0.6 and ws.cell(r, 9).number_format == "+0.00;-0.00;0.00"
    assert ws.cell(r, 10).value is None  # a rate has no growth in percent


def test_yuan_values_have_two_decimals_and_growth_is_percent(wb):
    ws = wb["指标完成情况"]
    r = _row_of(ws, "outpatient_cost_per_visit")
    assert ws.cell(r, 5).value == 47.85 and ws.cell(r, 5).number_format == "#,##0.00"
    assert ws.cell(r, 9).value is None  # money has no change in points
    assert (
        Decimal(str(ws.cell(r, 10).value)) == Decimal("-0.0114")
        and ws.cell(r, 10).number_format == "+0.00%;-0.00%;0.00%"
    )
    assert (ws.cell(r, 13).value, ws.cell(r, 14).value) == ("改善", "未达标")


def test_missing_value_is_an_empty_cell(wb):
    ws = wb["指标完成情况"]
    r = _row_of(ws, "key_contract_rate")
    assert ws.cell(r, 5).value is None and ws.cell(r, 14).value == "无数据"


def test_ranking_sheet_rows(wb):
    ws = wb["考核排名"]
    assert [c.value for c in ws[2]] == [1, "U1", "甲镇卫生院", 95.5, "合格", "予以通报表彰"]
    assert ws.cell(2, 4).number_format == "0.00"


def test_item_scores_use_indicator_units(wb):
    ws = wb["考核得分明细"]
    assert ws.cell(2, 1).value == "甲镇卫生院" and ws.cell(2, 2).value == "县域内就诊率"
    assert ws.cell(2, 3).number_format == "0.00%"
    yuan = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "门诊次均费用")
    assert ws.cell(yuan, 3).value == 52.3 and ws.cell(yuan, 3).number_format == "#,##0.00"


def test_task_sheet_flags_overdue_and_keeps_dates(wb):
    ws = wb["重点任务"]
    assert ws.cell(2, 1).value == "T02" and ws.cell(2, 7).value == "是"
    assert (
        ws.cell(2, 5).value == dt.datetime(2025, 2, 28)
        and ws.cell(2, 5).number_format == "yyyy-mm-dd"
    )


def test_columns_are_widened_for_chinese_text(wb):
    ws = wb["重点任务"]
    assert ws.column_dimensions["B"].width >= 2 * len("实行医保基金总额付费")


def test_data_sheets_of_several_counties_merge_with_a_plain_concat(tmp_path):
    """Issue 14 §3: reviewers merge the annexes of several counties; the 数据 sheets share
    one header row and columns, so pandas.concat stacks them and region tells them apart."""
    import pandas as pd

    from yigai.orgs.model import OrgKind
    from yigai.reports import OrgUnit, write_quarterly_bulletin

    from .factories import make_data

    frames = []
    for region_id, name in (("C01", "示范县"), ("C02", "邻县")):
        data = make_data("2025Q1", region=OrgUnit(region_id, name, OrgKind.COUNTY))
        files = write_quarterly_bulletin(data, tmp_path / region_id)
        frames.append(pd.read_excel(files["xlsx"], sheet_name="数据"))
    merged = pd.concat(frames, ignore_index=True)
    assert list(merged.columns) == list(frames[0].columns) == list(frames[1].columns)
    assert len(merged) == len(frames[0]) + len(frames[1])
    assert set(merged["区域编码 / region_id"]) == {"C01", "C02"}
    for column in (
        "单位编码 / unit_id",
        "周期 / period",
        "指标编码 / indicator_id",
        "值 / value",
        "分子 / numerator",
        "分母 / denominator",
        "目标值 / target",
        "状态 / status",
        "来源 / source",
    ):
        assert column in merged.columns, column
    county = merged[
        (merged["区域编码 / region_id"] == "C01") & (merged["单位编码 / unit_id"] == "C01")
    ]
    row = county[county["指标编码 / indicator_id"] == "in_county_visit_rate"].iloc[0]
    assert (row["值 / value"], row["分子 / numerator"], row["分母 / denominator"]) == (
        88.5,
        8850,
        10000,
    )
    assert row["来源 / source"] == "计算" and row["周期 / period"] == "2025Q1"


def test_data_sheet_keeps_points_and_percent_growth_in_separate_columns(wb):
    """A rate changes in points, a money value grows in percent: never both in one column."""
    ws = wb["数据"]
    head = [c.value for c in ws[1]]
    col = {name.split(" / ")[1]: i + 1 for i, name in enumerate(head)}
    rows = {
        ws.cell(r, col["indicator_id"]).value: r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, col["unit_id"]).value == "C01"
    }
    rate, money = rows["in_county_visit_rate"], rows["outpatient_cost_per_visit"]
    assert ws.cell(rate, col["change_on_previous_points"]).value == 0.6
    assert ws.cell(rate, col["growth_on_previous_percent"]).value is None
    assert ws.cell(money, col["change_on_previous_points"]).value is None
    assert ws.cell(money, col["growth_on_previous_percent"]).value == -1.14


def test_reported_values_are_marked_in_the_data_sheet(tmp_path):
    from dataclasses import replace

    from openpyxl import load_workbook

    from yigai.reports import write_quarterly_bulletin

    from .factories import make_data

    data = make_data("2025Q1")
    results = [
        replace(r, source="reported")
        if (r.indicator_id, r.org_id, r.period_id) == ("drug_share", "C01", "2025Q1")
        else r
        for r in data.results
    ]
    files = write_quarterly_bulletin(make_data("2025Q1", results=results), tmp_path)
    ws = load_workbook(files["xlsx"])["数据"]
    head = [c.value.split(" / ")[1] for c in ws[1]]
    sources = {
        (
            ws.cell(r, head.index("unit_id") + 1).value,
            ws.cell(r, head.index("indicator_id") + 1).value,
        ): ws.cell(r, head.index("source") + 1)
        for r in range(2, ws.max_row + 1)
    }
    assert (
        sources[("C01", "drug_share")].value == "填报" and sources[("C01", "drug_share")].font.bold
    )
    assert sources[("C01", "primary_visit_rate")].value == "计算"


def test_indicator_sheet_keeps_points_and_percent_growth_in_separate_columns(wb):
    """Issue 14 §3, growth columns in one unit each: on 指标完成情况 a rate's change is in
    the points columns only and a money value's growth in the percent columns only."""
    ws = wb["指标完成情况"]
    header = [str(c.value).split(" / ")[0] for c in ws[1]]
    assert "环比" not in header and "同比" not in header
    points = [header.index("环比（百分点）") + 1, header.index("同比（百分点）") + 1]
    growth = [header.index("环比增长（%）") + 1, header.index("同比增长（%）") + 1]
    for r in range(2, ws.max_row + 1):
        for c in points:
            assert ws.cell(r, c).number_format in ("General", "+0.00;-0.00;0.00"), (r, c)
        for c in growth:
            assert ws.cell(r, c).number_format in ("General", "+0.00%;-0.00%;0.00%"), (r, c)
    rate, money = _row_of(ws, "in_county_visit_rate"), _row_of(ws, "outpatient_cost_per_visit")
    assert ws.cell(rate, points[0]).value is not None and ws.cell(rate, growth[0]).value is None
    assert ws.cell(money, growth[0]).value is not None and ws.cell(money, points[0]).value is None

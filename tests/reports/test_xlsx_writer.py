"""The XLSX annex parsed back with openpyxl: two header rows, frozen panes, values and number
formats (worked values in test_sections.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook


@pytest.fixture(scope="module")
def wb(monthly_files):
    return load_workbook(monthly_files["xlsx"])


def _row_of(ws, first_cell: str) -> int:
    return next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == first_cell)


def test_one_sheet_per_table(wb):
    assert wb.sheetnames == ["指标完成情况", "考核排名", "考核得分明细", "重点任务"]


def test_headers_are_chinese_then_english_and_frozen(wb):
    ws = wb["指标完成情况"]
    assert [c.value for c in ws[1]][:5] == ["指标编码", "指标", "单位", "方向", "本期值"]
    assert [c.value for c in ws[2]][:5] == [
        "Indicator id",
        "Indicator",
        "Unit",
        "Direction",
        "Value",
    ]
    assert all(wb[name].freeze_panes == "A3" for name in wb.sheetnames)


def test_percent_values_are_fractions_with_percent_format(wb):
    """88.50% is stored as 0.885 and shown with 0.00% (Excel shows 88.50%)."""
    ws = wb["指标完成情况"]
    r = _row_of(ws, "in_county_visit_rate")
    cell = ws.cell(r, 5)
    assert Decimal(str(cell.value)) == Decimal("0.885") and cell.number_format == "0.00%"
    assert ws.cell(r, 9).value == 0.6 and ws.cell(r, 9).number_format == "+0.00;-0.00;0.00"


def test_yuan_values_have_two_decimals_and_growth_is_percent(wb):
    ws = wb["指标完成情况"]
    r = _row_of(ws, "outpatient_cost_per_visit")
    assert ws.cell(r, 5).value == 47.85 and ws.cell(r, 5).number_format == "#,##0.00"
    assert (
        Decimal(str(ws.cell(r, 9).value)) == Decimal("-0.0114")
        and ws.cell(r, 9).number_format == "+0.00%;-0.00%;0.00%"
    )
    assert (ws.cell(r, 11).value, ws.cell(r, 12).value) == ("改善", "未达标")


def test_missing_value_is_an_empty_cell(wb):
    ws = wb["指标完成情况"]
    r = _row_of(ws, "key_contract_rate")
    assert ws.cell(r, 5).value is None and ws.cell(r, 12).value == "无数据"


def test_ranking_sheet_rows(wb):
    ws = wb["考核排名"]
    assert [c.value for c in ws[3]] == [1, "U1", "甲镇卫生院", 95.5, "合格", "予以通报表彰"]
    assert ws.cell(3, 4).number_format == "0.00"


def test_item_scores_use_indicator_units(wb):
    ws = wb["考核得分明细"]
    assert ws.cell(3, 1).value == "甲镇卫生院" and ws.cell(3, 2).value == "县域内就诊率"
    assert ws.cell(3, 3).number_format == "0.00%"
    yuan = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 2).value == "门诊次均费用")
    assert ws.cell(yuan, 3).value == 52.3 and ws.cell(yuan, 3).number_format == "#,##0.00"


def test_task_sheet_flags_overdue_and_keeps_dates(wb):
    ws = wb["重点任务"]
    assert ws.cell(3, 1).value == "T02" and ws.cell(3, 7).value == "是"
    assert (
        ws.cell(3, 5).value == dt.datetime(2025, 2, 28)
        and ws.cell(3, 5).number_format == "yyyy-mm-dd"
    )


def test_columns_are_widened_for_chinese_text(wb):
    ws = wb["重点任务"]
    assert ws.column_dimensions["B"].width >= 2 * len("实行医保基金总额付费")

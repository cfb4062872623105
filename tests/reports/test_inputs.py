"""Adapters from the producing packages' tables (as rows) to report inputs: Decimal parsing
without float, and bilingual errors naming table, row and column."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest

from yigai.reports import (
    ConsequenceKind,
    ReportDataError,
    consequences_from_rows,
    indicator_values_from_rows,
    items_from_rows,
    totals_from_rows,
)


def _row(**kw):
    row = {
        "indicator_id": "drug_share",
        "org_id": "C01",
        "period_id": "202503",
        "grain": "month",
        "numerator": 382,
        "denominator": 1000,
        "value": "38.20",
        "source": "computed",
    }
    row.update(kw)
    return row


def test_result_rows_parse_decimal_text_exactly():
    [value] = indicator_values_from_rows([_row()])
    assert value.value == Decimal("38.20") and str(value.value) == "38.20"


def test_null_value_means_no_value():
    """Contract: value is null when the denominator is 0."""
    [value] = indicator_values_from_rows([_row(value=None, denominator=0)])
    assert value.value is None


def test_non_numeric_value_names_row_and_column_in_both_languages():
    with pytest.raises(ReportDataError) as err:
        indicator_values_from_rows([_row(), _row(value="三十八")])
    msg = str(err.value)
    assert msg.startswith("指标结果第2行“value”列：不是有效数值")
    assert "indicator results row 2, column value: not a decimal number" in msg


def test_float_value_is_refused():
    with pytest.raises(ReportDataError, match=r"数值不能为浮点数.*float not accepted"):
        indicator_values_from_rows([_row(value=38.2)])


def test_missing_column_is_named():
    row = _row()
    del row["period_id"]
    with pytest.raises(ReportDataError, match="period_id"):
        indicator_values_from_rows([row])


def test_assessment_totals_from_decimal128_arrow_table():
    """yigai.assess writes total as decimal128(9, 2): read back exactly."""
    table = pa.table(
        {
            "org_id": ["U1"],
            "total": pa.array([Decimal("95.50")], pa.decimal128(9, 2)),
            "grade": ["合格"],
            "rank": pa.array([1], pa.int32()),
        }
    )
    [total] = totals_from_rows(table.to_pylist())
    assert (total.org_id, total.total, total.grade, total.rank) == (
        "U1",
        Decimal("95.50"),
        "合格",
        1,
    )


def test_assessment_items_accept_assess_column_names():
    rows = [
        {
            "org_id": "U1",
            "item_id": "i1",
            "indicator_id": "drug_share",
            "value": "38.20",
            "target": "40",
            "points": Decimal("10.00"),
            "why_zh": "达到目标",
        }
    ]
    [item] = items_from_rows(rows)
    assert (item.item, item.value, item.target, item.explanation_zh) == (
        "drug_share",
        Decimal("38.20"),
        Decimal("40"),
        "达到目标",
    )


def test_item_without_points_is_named():
    with pytest.raises(
        ReportDataError, match=r"考核得分明细第1行“points”列.*assessment items row 1, column points"
    ):
        items_from_rows([{"org_id": "U1", "item": "x", "points": None}])


def test_head_removal_from_assess_maps_to_removal_recommended():
    [c] = consequences_from_rows(
        [{"org_id": "U2", "kind": "head_removal", "why_zh": "连续三次末位"}]
    )
    assert c.kind is ConsequenceKind.REMOVAL_RECOMMENDED and c.text_zh == "连续三次末位"


def test_unknown_consequence_kind_is_rejected():
    with pytest.raises(ReportDataError, match=r"未知的结果运用类型.*unknown consequence kind"):
        consequences_from_rows([{"org_id": "U2", "kind": "praised"}])

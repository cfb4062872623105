"""Adapters from the other packages' tables to report inputs (报告数据转换).

Each takes rows as dicts (``pa.Table.to_pylist()``), so ``reports`` needs none of the
producing packages. Column names follow docs/CONTRACTS.md and, where that package already
exists, its own tables: ``yigai.assess`` writes ``assessment_items`` with ``item_id`` /
``indicator_id`` / ``why_zh`` and consequences with ``why_zh``; both spellings are accepted.
Numbers are parsed from Decimal text (or Decimal/int), never from float; a bad cell is an
error naming the table, the 1-based row and the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from yigai.reports.model import (
    AssessmentItem,
    AssessmentTotal,
    Consequence,
    ConsequenceKind,
    IndicatorValue,
    data_error,
    to_decimal,
    to_required_decimal,
)

Row = Mapping[str, Any]


def _need(row: Row, table: str, i: int, *columns: str) -> None:
    for column in columns:
        if column not in row:
            raise data_error(table, i, column, "缺少列", f"missing column {column}")


def _first(row: Row, *names: str) -> Any:
    return next((row[n] for n in names if n in row and row[n] is not None), None)


def indicator_values_from_rows(rows: Iterable[Row]) -> list[IndicatorValue]:
    """Rows of the indicator result table; ``value`` is Decimal text or null (denominator 0)."""
    table = "指标结果"
    out: list[IndicatorValue] = []
    for i, row in enumerate(rows, start=1):
        _need(row, table, i, "indicator_id", "org_id", "period_id", "value")
        out.append(
            IndicatorValue(
                indicator_id=str(row["indicator_id"]),
                org_id=str(row["org_id"]),
                period_id=str(row["period_id"]),
                grain=str(row.get("grain", "")),
                numerator=int(row.get("numerator") or 0),
                denominator=int(row.get("denominator") or 0),
                value=to_decimal(row["value"], table=table, row=i, column="value"),
                source=str(row.get("source", "computed")),
            )
        )
    return out


def totals_from_rows(rows: Iterable[Row]) -> list[AssessmentTotal]:
    """Rows of ``assessment_totals`` (org_id, total, grade, rank; ``provisional`` when the
    total rests on missing inputs, false when the column is absent)."""
    table = "考核总分"
    out: list[AssessmentTotal] = []
    for i, row in enumerate(rows, start=1):
        _need(row, table, i, "org_id", "total", "grade", "rank")
        total = to_required_decimal(row["total"], table=table, row=i, column="total")
        out.append(
            AssessmentTotal(
                str(row["org_id"]),
                total,
                str(row["grade"]),
                int(row["rank"]),
                provisional=bool(row.get("provisional") or False),
            )
        )
    return out


def items_from_rows(rows: Iterable[Row]) -> list[AssessmentItem]:
    """Rows of ``assessment_items``: the item is the indicator id when there is one."""
    table = "考核得分明细"
    out: list[AssessmentItem] = []
    for i, row in enumerate(rows, start=1):
        _need(row, table, i, "org_id", "points")
        item = _first(row, "item", "indicator_id", "item_id")
        if item is None:
            raise data_error(table, i, "item", "缺少考核项目", "missing item")
        points = to_required_decimal(row["points"], table=table, row=i, column="points")
        out.append(
            AssessmentItem(
                org_id=str(row["org_id"]),
                item=str(item),
                value=to_decimal(row.get("value"), table=table, row=i, column="value"),
                target=to_decimal(row.get("target"), table=table, row=i, column="target"),
                points=points,
                explanation_zh=str(_first(row, "explanation_zh", "why_zh") or ""),
            )
        )
    return out


def consequences_from_rows(rows: Iterable[Row]) -> list[Consequence]:
    """Consequences (org_id, kind, text_zh or why_zh)."""
    table = "考核结果运用"
    out: list[Consequence] = []
    for i, row in enumerate(rows, start=1):
        _need(row, table, i, "org_id", "kind")
        try:
            kind = ConsequenceKind(str(row["kind"]))
        except ValueError:
            raise data_error(
                table,
                i,
                "kind",
                f"未知的结果运用类型：{row['kind']!r}",
                f"unknown consequence kind {row['kind']!r}",
            ) from None
        out.append(
            Consequence(str(row["org_id"]), kind, str(_first(row, "text_zh", "why_zh") or ""))
        )
    return out

"""The annex's data sheet (数据): one row per unit × indicator, built for reviewers who merge
and filter.

One header row (Chinese and English in one cell), an autofilter, frozen header, and the
same columns in every report, so the annexes of several counties stack with a plain
concatenation: region, unit, period, indicator id, value, numerator, denominator, target,
status and source (计算 / 填报). Values are written as the report prints them (85.20 for
85.20%, the unit in its own column). Changes between periods are in columns of one unit each:
rates change in points (个百分点), other values grow in percent, never both in one column.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from yigai.reports import params
from yigai.reports.indicator_section import IndicatorRow, indicator_row
from yigai.reports.model import RATE_UNITS, UNIT_SUFFIX_ZH, OrgUnit
from yigai.reports.sections import Report
from yigai.reports.status import STATUS_ZH

DATA_SHEET = "数据"

DATA_HEADERS: list[tuple[str, str]] = [
    ("区域", "region"),
    ("区域编码", "region_id"),
    ("单位", "unit"),
    ("单位编码", "unit_id"),
    ("周期", "period"),
    ("指标编码", "indicator_id"),
    ("指标", "indicator"),
    ("计量单位", "unit_of_measure"),
    ("值", "value"),
    ("分子", "numerator"),
    ("分母", "denominator"),
    ("目标值", "target"),
    ("状态", "status"),
    ("来源", "source"),
    ("环比（百分点）", "change_on_previous_points"),
    ("环比增长（%）", "growth_on_previous_percent"),
    ("同比（百分点）", "change_on_last_year_points"),
    ("同比增长（%）", "growth_on_last_year_percent"),
]

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def header_text(zh: str, en: str) -> str:
    """One header cell holding both languages: ``区域 / region``."""
    return f"{zh} / {en}"


def changes(row: IndicatorRow) -> list[Decimal | None]:
    """[环比 points, 环比 %, 同比 points, 同比 %]: each change in its own unit's column."""
    rate = row.meta.unit in RATE_UNITS
    out: list[Decimal | None] = []
    for delta in (row.mom, row.yoy):
        out += [delta, None] if rate else [None, delta]
    return out


def data_rows(report: Report) -> list[list[object]]:
    """Region first, then each compared unit; indicators in catalogue order."""
    data = report.data
    tolerance = params.load("status.amber_tolerance").at(data.period.end)
    units: list[OrgUnit] = [data.region, *data.units]
    out: list[list[object]] = []
    for unit in units:
        for meta in data.indicators:
            row = (
                next(r for r in report.indicator_rows if r.meta is meta)
                if unit is data.region
                else indicator_row(data, meta, tolerance, unit)
            )
            period = str(data.period.end.year) if row.basis == "year" else data.period.id
            out.append(
                [
                    data.region.name_zh,
                    data.region.id,
                    unit.name_zh,
                    unit.id,
                    period,
                    meta.id,
                    meta.name_zh,
                    UNIT_SUFFIX_ZH[meta.unit] or str(meta.unit),
                    row.value,
                    row.numerator,
                    row.denominator,
                    row.target.value if row.target else None,
                    STATUS_ZH[row.status],
                    ("填报" if row.reported else "计算") if row.value is not None else None,
                    *changes(row),
                ]
            )
    return out


def add_data_sheet(wb: Workbook, report: Report) -> None:
    """The 数据 sheet, first in the workbook."""
    ws = wb.create_sheet(DATA_SHEET, 0)
    ws.append([header_text(zh, en) for zh, en in DATA_HEADERS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in data_rows(report):
        ws.append(values)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    source_col = [zh for zh, _ in DATA_HEADERS].index("来源") + 1
    for (cell,) in ws.iter_rows(min_row=2, min_col=source_col, max_col=source_col):
        if cell.value == "填报":
            cell.font = Font(bold=True, color="9C5700")
            cell.fill = PatternFill("solid", fgColor="FFEB9C")

"""XLSX annex tables (附表) of a report: the 数据 sheet for merging and filtering
(:mod:`.xlsx_data`), then one sheet per table; every sheet has one header row (Chinese and
English in one cell), an autofilter, a frozen header, number formats by unit, column widths.

Numbers are written from ``Decimal`` (openpyxl stores their text, never a float computed
here). Percent values are divided by 100 (exactly, in Decimal) so Excel's ``0.00%`` format
shows the same figure as the report; yuan show two decimals with a thousands separator.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from yigai import safe_cells
from yigai.reports.model import RATE_UNITS, IndicatorMeta, Unit
from yigai.reports.sections import (
    ITEM_HEADERS,
    RANKING_HEADERS,
    TASK_HEADERS,
    Report,
)
from yigai.reports.status import STATUS_RGB, STATUS_ZH, Status
from yigai.reports.xlsx_data import add_data_sheet, changes, header_text

FORMAT_PERCENT = "0.00%"
FORMAT_YUAN = "#,##0.00"
FORMAT_DECIMAL = "0.00"
FORMAT_COUNT = "#,##0"
FORMAT_PERMILLE = '0.00"‰"'
FORMAT_POINTS = "+0.00;-0.00;0.00"
FORMAT_GROWTH = "+0.00%;-0.00%;0.00%"
FORMAT_DATE = "yyyy-mm-dd"

INDICATOR_SHEET_HEADERS = [
    ("指标编码", "Indicator id"),
    ("指标", "Indicator"),
    ("单位", "Unit"),
    ("方向", "Direction"),
    ("本期值", "Value"),
    ("目标值", "Target"),
    ("上期值", "Previous period"),
    ("去年同期", "Same period last year"),
    # one unit per column (issue 14 §3): rates change in points, other values grow in percent
    ("环比（百分点）", "Change on previous, points"),
    ("环比增长（%）", "Growth on previous, %"),
    ("同比（百分点）", "Change on last year, points"),
    ("同比增长（%）", "Growth on last year, %"),
    ("较上期", "On previous period"),
    ("状态", "Status"),
]

UNIT_ZH = {
    Unit.PERCENT: "%",
    Unit.PERMILLE: "‰",
    Unit.YUAN: "元",
    Unit.COUNT: "个",
    Unit.RATIO: "比值",
    Unit.PER_1000: "每千人",
    Unit.PER_10000: "每万人",
    Unit.DAYS: "天",
}

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def _value_cell(value: Decimal | None, unit: Unit) -> tuple[Decimal | None, str]:
    """(cell value, number format) for a value in an indicator's unit."""
    if value is None:
        return None, "General"
    if unit is Unit.PERCENT:
        return value / 100, FORMAT_PERCENT
    if unit is Unit.PERMILLE:
        return value, FORMAT_PERMILLE
    if unit is Unit.YUAN:
        return value, FORMAT_YUAN
    if unit is Unit.COUNT:
        return value, FORMAT_COUNT
    return value, FORMAT_DECIMAL


def _change_cell(delta: Decimal | None, unit: Unit) -> tuple[Decimal | None, str]:
    """Points stay points (a percent-point difference is not a percentage); growth is a %."""
    if delta is None:
        return None, "General"
    if unit in RATE_UNITS:
        return delta, FORMAT_POINTS
    return delta / 100, FORMAT_GROWTH


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet(wb: Workbook, title: str, headers: Sequence[tuple[str, str]]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append([header_text(zh, en) for zh, en in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    return ws


def _filter(ws: Worksheet) -> None:
    """Autofilter over the header and every row written."""
    ws.auto_filter.ref = ws.dimensions


def _put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if fmt:
        cell.number_format = fmt


def _fit_widths(ws: Worksheet, cap: int = 50) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            text = "" if cell.value is None else str(cell.value)
            widths[cell.column] = max(widths.get(cell.column, 0), _display_width(text))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), cap)


def write_xlsx(report: Report, path: Path) -> Path:
    """Write the annex workbook: 指标完成情况, 考核排名, 考核得分明细, 重点任务."""
    wb = Workbook()
    wb.remove(wb.active)
    add_data_sheet(wb, report)

    ws = _sheet(wb, "指标完成情况", INDICATOR_SHEET_HEADERS)
    for r, row in enumerate(report.indicator_rows, start=2):
        meta = row.meta
        for c, text in enumerate(
            [
                meta.id,
                meta.name_zh + ("（全年值）" if row.basis == "year" else ""),
                UNIT_ZH[meta.unit],
                "正向" if meta.direction.value == "higher" else "逆向",
            ],
            start=1,
        ):
            _put(ws, r, c, text)
        target = row.target.value if row.target else None
        for c, value in enumerate((row.value, target, row.previous, row.last_year), start=5):
            _put(ws, r, c, *_value_cell(value, meta.unit))
        for c, delta in enumerate(changes(row), start=9):
            _put(ws, r, c, *_change_cell(delta, meta.unit))
        # improvement is its own column, apart from the status; no previous value: empty
        _put(ws, r, 13, None if row.trend_zh == "—" else row.trend_zh)
        status = ws.cell(row=r, column=14, value=STATUS_ZH[row.status])
        status.font = Font(bold=True, color="FFFFFF")
        status.fill = PatternFill("solid", fgColor=STATUS_RGB[row.status])
    _fit_widths(ws)
    _filter(ws)

    ws = _sheet(wb, "考核排名", [RANKING_HEADERS[0], ("单位编码", "Unit id"), *RANKING_HEADERS[1:]])
    for r, rank in enumerate(report.ranking_rows, start=2):
        for c, (value, fmt) in enumerate(
            [
                (rank.rank, "0"),
                (rank.org_id, None),
                (rank.name_zh, None),
                (rank.total, FORMAT_DECIMAL),
                (rank.grade, None),
                (rank.consequences_zh, None),
            ],
            start=1,
        ):
            _put(ws, r, c, value, fmt)
    _fit_widths(ws)
    _filter(ws)

    metas: dict[str, IndicatorMeta] = {m.id: m for m in report.data.indicators}
    ws = _sheet(wb, "考核得分明细", ITEM_HEADERS)
    for r, item in enumerate(report.items, start=2):
        meta = metas.get(item.item)
        unit = meta.unit if meta else Unit.RATIO
        _put(ws, r, 1, report.data.unit_name(item.org_id))
        _put(ws, r, 2, meta.name_zh if meta else item.item)
        _put(ws, r, 3, *_value_cell(item.value, unit))
        _put(ws, r, 4, *_value_cell(item.target, unit))
        _put(ws, r, 5, item.points, FORMAT_DECIMAL)
        _put(ws, r, 6, item.explanation_zh)
    _fit_widths(ws)
    _filter(ws)

    ws = _sheet(wb, "重点任务", [*TASK_HEADERS[:6], ("是否逾期", "Overdue"), TASK_HEADERS[6]])
    for r, task in enumerate(report.tasks, start=2):
        values: list[tuple[Any, str | None]] = [
            (task.code, None),
            (task.title, None),
            (task.lead_department, None),
            ("、".join(task.co_departments), None),
            (task.deadline or task.deadline_text or None, FORMAT_DATE if task.deadline else None),
            (task.status_zh, None),
            ("是" if task.overdue else "否", None),
            (task.latest_progress, None),
        ]
        for c, (value, fmt) in enumerate(values, start=1):
            _put(ws, r, c, value, fmt)
        if task.overdue:
            ws.cell(row=r, column=7).font = Font(bold=True, color=STATUS_RGB[Status.RED])
    _fit_widths(ws)
    _filter(ws)

    _notes_sheet(wb, report)
    # Names, departments and progress notes come from imported data: saved as text, never
    # as formulas.
    return safe_cells.save_workbook(wb, path)


NOTES_SHEET = "说明"


def _notes_sheet(wb: Workbook, report: Report) -> None:
    """The 说明 sheet, last (synthetic data, governing rules, data version), one line a
    row, and the same lines in the workbook's description. A synthetic report's mark also
    heads every sheet's header/footer (page header when printed), so no sheet loses it."""
    notes = report.notes
    if not notes:
        return
    ws = _sheet(wb, NOTES_SHEET, [("说明", "Notes")])
    for line in notes:
        ws.append([line])
    ws.column_dimensions["A"].width = 120
    _filter(ws)
    wb.properties.description = "\n".join(notes)
    if report.synthetic_banner:
        for sheet in wb.worksheets:
            sheet.oddHeader.center.text = report.synthetic_banner

"""The what-if comparison shown (测算结果): console tables and an XLSX workbook.

Money is shown in yuan with two decimals (exact from integer fen), ratios as percentages
and their differences in percentage points; the XLSX holds the same figures as numbers (yuan
as exact decimals, ratios as shares with a percent format), one row per figure.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from rich.table import Table

from yigai.console import console
from yigai.policy.commands import _show as show_table
from yigai.policy.commands import percent, yuan
from yigai.policy.whatif.figures import METRICS, SECTIONS, Line, Value
from yigai.policy.whatif.resettle import WhatIf
from yigai.safe_cells import save_workbook

_HEADER = (
    ("部分", "section"),
    ("编码", "code"),
    ("单位", "unit"),
    ("指标", "metric"),
    ("基线", "baseline"),
    ("方案", "reform"),
    ("差额", "difference"),
)


def shown(metric: str, value: Value, *, difference: bool = False) -> str:
    """``value`` of ``metric`` as text: yuan, a percentage (points for a difference of a
    rate), a count, a point value; '—' when undefined."""
    if value is None:
        return "—"
    kind = METRICS[metric][2]
    sign = "+" if difference and value > 0 else ""
    if kind == "fen":
        return sign + yuan(int(value))
    if kind == "count":
        return f"{sign}{int(value):,}"
    if metric == "dip_point_value":
        return f"{sign}{value}"
    if difference:
        return f"{sign}{Decimal(value) * 100:.2f} 个百分点 / pp"
    return percent(Decimal(value))


def heading(result: WhatIf) -> list[str]:
    """The lines above the tables: year, region, reform, its changes and the shifts."""
    out = [
        f"{result.year} 年政策测算（{result.region}）：{result.reform.name} / what-if "
        f"{result.year} ({result.region}): {result.reform.name}",
        "基线 = 已存储的结算结果；方案 = 按修改后的参数在内存中重新结算，未写入数据仓库 / "
        "baseline = the stored settlement; reform = re-settled in memory under the changed "
        "parameters, nothing written",
    ]
    out += [f"  参数 / parameter {c.path} = {c.raw}" for c in result.reform.changes]
    out += [
        f"  就医流向 / care-seeking shift {s}（移动 / moved {result.moved:,}）"
        for s in result.shifts
    ]
    return out


def print_whatif(result: WhatIf) -> None:
    """The comparison on the console, one table per section."""
    for line in heading(result):
        console.print(line)
    for section, (zh, en) in SECTIONS.items():
        rows = [line for line in result.lines if line.section == section]
        if not rows:
            continue
        table = Table(title=f"{zh} / {en}")
        for label in _HEADER[2:]:
            table.add_column(
                " / ".join(label), justify="left" if label[1] in ("unit", "metric") else "right"
            )
        for line in rows:
            zh_m, en_m, _ = METRICS[line.metric]
            table.add_row(
                line.name,
                f"{zh_m} / {en_m}",
                shown(line.metric, line.baseline),
                shown(line.metric, line.reform),
                shown(line.metric, line.difference, difference=True),
            )
        show_table(table)  # at its natural width: an amount is never cropped


def write_xlsx(result: WhatIf, path: Path) -> Path:
    """The comparison as a workbook at ``path`` (one row per figure, heading above)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "测算 whatif"
    for line in heading(result):
        ws.append([line])
    ws.append([])
    ws.append([f"{zh} / {en}" for zh, en in _HEADER])
    for line in result.lines:
        zh_m, en_m, kind = METRICS[line.metric]
        ws.append(
            [
                " / ".join(SECTIONS[line.section]),
                line.key,
                line.name,
                f"{zh_m} / {en_m}",
                *(_cell(kind, v) for v in (line.baseline, line.reform, line.difference)),
            ]
        )
        if kind == "ratio" and line.metric != "dip_point_value":
            for cell in ws[ws.max_row][4:7]:
                cell.number_format = "0.00%"
        elif kind == "fen":
            for cell in ws[ws.max_row][4:7]:
                cell.number_format = "#,##0.00"
    return save_workbook(wb, path)


def _cell(kind: str, value: Value) -> Value:
    if value is None or kind != "fen":
        return value
    return Decimal(int(value)) / 100


__all__ = ["Line", "heading", "print_whatif", "shown", "write_xlsx"]

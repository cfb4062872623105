"""上报数据模板: the XLSX a county fills in when it has no record feeds.

Three sheets: instructions (填报说明), data (数据, one row per indicator × org unit × period,
keys pre-filled, drop-down lists for indicator, org unit, period and money unit) and the code
lists the drop-downs read (代码表). Value cells are formatted as text so what is typed is what
is imported: Excel would otherwise store 0.1 as a binary double.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from yigai import periods as P
from yigai import safe_cells
from yigai.aggregates.layout import (
    CODES_SHEET,
    COLUMNS,
    DATA_SHEET,
    INSTRUCTIONS_SHEET,
)
from yigai.aggregates.spec import specs

#: Beyond this many indicator × org × period combinations the data sheet is left empty
#: (with its drop-downs) rather than pre-filled, to keep the file openable.
PREFILL_LIMIT = 20_000
#: Rows below the pre-filled ones that still carry the drop-down lists.
SPARE_ROWS = 500

INSTRUCTIONS = (
    ("上报数据填报说明", "How to fill in reported aggregate values"),
    (
        "每行填写一个指标、一个机构、一个统计周期的数据。",
        "One row per indicator × org unit × period.",
    ),
    (
        "统计周期：月 202503，季 2025Q1，年 2025。",
        "Period: month 202503, quarter 2025Q1, year 2025.",
    ),
    (
        "按分子分母填报的指标：填写分子和分母（非负整数；金额可填元，最多两位小数，或填分）；指标值可留空，填写时须与分子÷分母一致。",
        "Numerator/denominator indicators: fill both (non-negative integers; money in yuan with "
        "at most 2 decimals, or in fen); leave the value blank or make it match.",
    ),
    (
        "率类指标（百分比、千分比）的分子不得大于分母。",
        "For rates (percent, permille) the numerator may not exceed the denominator.",
    ),
    (
        "直接填报值的指标：只填指标值，分子分母留空。",
        "Direct-value indicators: fill the value only.",
    ),
    (
        "金额单位：元（默认）或分。",
        "Money unit: yuan (default) or fen.",
    ),
    (
        "同一指标、机构、周期在文件中只能出现一次；分子、分母、指标值都为空的行视为未填报，不导入。",
        "Each indicator × org × period may appear once; rows with no numerator, denominator or "
        "value are skipped.",
    ),
    (
        "有错误的文件整体不导入（除非选择部分导入）；与上月相比变动过大的数据会提示核实，但仍导入。",
        "A file with errors is not imported (unless partial import is chosen); values that jump "
        "against the previous month are flagged for checking but imported.",
    ),
    (
        "重复导入同一文件不会改变数据；更正后重新导入将生成新版本，历史版本保留。",
        "Re-importing the same file changes nothing; corrected values become a new revision "
        "and earlier revisions are kept.",
    ),
)


def make_template(
    path: str | Path,
    indicators: Iterable[object] | Mapping[str, object],
    org_units: Iterable[str] | Mapping[str, str],
    periods: Iterable[str | P.Period],
    *,
    prefill: bool = True,
) -> Path:
    """Write the XLSX template to ``path`` and return it.

    ``indicators``: ids, :class:`~yigai.aggregates.spec.IndicatorSpec` or catalogue
    :class:`~yigai.indicators.model.Indicator` entries; ``org_units``: ids, or id → name;
    ``periods``: period ids or :class:`~yigai.periods.Period`.
    """
    path = Path(path)
    specs_by_id = specs(indicators)
    orgs = dict(org_units) if isinstance(org_units, Mapping) else {o: "" for o in org_units}
    period_ids = [p.id if isinstance(p, P.Period) else P.parse(p).id for p in periods]

    wb = Workbook()
    intro = wb.active
    assert intro is not None
    intro.title = INSTRUCTIONS_SHEET
    for zh, en in INSTRUCTIONS:
        intro.append([zh, en])
    intro["A1"].font = intro["B1"].font = Font(bold=True, size=14)
    intro.column_dimensions["A"].width = 90
    intro.column_dimensions["B"].width = 90
    intro.append([])
    intro.append(["指标（单位，小数位）", "indicator (unit, decimals)"])
    for spec in specs_by_id.values():
        how = "直接填报值 direct value" if spec.direct else "分子/分母 numerator/denominator"
        intro.append([f"{spec.id} {spec.name_zh}", f"{spec.unit.value}, {spec.places}; {how}"])

    codes = wb.create_sheet(CODES_SHEET)
    lists = {
        "indicator_id": list(specs_by_id),
        "org_id": list(orgs),
        "period_id": period_ids,
        "money_unit": ["yuan", "fen"],
    }
    refs: dict[str, str] = {}
    for i, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(i)
        codes.cell(row=1, column=i, value=key)
        for r, v in enumerate(values, start=2):
            codes.cell(row=r, column=i, value=v)
        refs[key] = f"'{CODES_SHEET}'!${letter}$2:${letter}${max(len(values), 1) + 1}"

    data = wb.create_sheet(DATA_SHEET, index=1)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for c, column in enumerate(COLUMNS, start=1):
        cell = data.cell(row=1, column=c, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        data.column_dimensions[get_column_letter(c)].width = 16
    data.row_dimensions[1].height = 32
    data.freeze_panes = "A2"

    combos = list(itertools.product(specs_by_id.values(), orgs.items(), period_ids))
    if not prefill or len(combos) > PREFILL_LIMIT:
        combos = []
    position = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
    for r, (spec, (org_id, org_name), period_id) in enumerate(combos, start=2):
        data.cell(row=r, column=position["indicator_id"], value=spec.id)
        data.cell(row=r, column=position["org_id"], value=org_id)
        data.cell(row=r, column=position["period_id"], value=period_id).number_format = "@"
        data.cell(row=r, column=position["indicator_name"], value=spec.name_zh or None)
        data.cell(row=r, column=position["org_name"], value=org_name or None)
    last_row = len(combos) + 1 + SPARE_ROWS
    for key in ("numerator", "denominator", "value", "period_id"):
        letter = get_column_letter(position[key])
        for r in range(2, last_row + 1):
            data[f"{letter}{r}"].number_format = "@"

    for key, ref in refs.items():
        letter = get_column_letter(position[key])
        dv = DataValidation(type="list", formula1=f"={ref}", allow_blank=key == "money_unit")
        dv.error = "请从下拉列表中选择 / choose a value from the list"
        dv.errorTitle = "无效的值 / invalid value"
        dv.add(f"{letter}2:{letter}{last_row}")
        data.add_data_validation(dv)

    # Org names come from the imported register: saved as text, never as formulas.
    return safe_cells.save_workbook(wb, path)

"""Reading a filled-in template (读取上报文件): XLSX or CSV into numbered text rows.

Every cell becomes text (or None when blank) so validation sees what the user typed. XLSX
numeric cells are binary doubles; they are turned into text through Python's shortest
round-trip repr, which gives back the decimal that was typed for up to 15 significant digits
(``0.1`` → ``"0.1"``, ``5.0`` → ``"5"``). The template formats value cells as text, so this only
matters for files not made from it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from yigai.aggregates.errors import AggregateFileError
from yigai.aggregates.layout import COLUMNS, DATA_SHEET, match_header


@dataclass(frozen=True)
class RawRow:
    row: int  # as numbered in the spreadsheet (header = 1)
    cells: dict[str, str | None]


def cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def read_rows(path: Path, content: bytes) -> list[RawRow]:
    """The data rows of ``path`` (given its bytes), keyed by column; unknown columns dropped."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = _xlsx_rows(path, content)
    elif suffix in (".csv", ".txt"):
        table = _csv_rows(path, content)
    else:
        raise AggregateFileError(
            path.name,
            f"不支持的文件类型 {suffix or '（无扩展名）'}，请使用 .xlsx 或 .csv",
            f"unsupported file type {suffix or '(none)'}: use .xlsx or .csv",
        )
    if not table:
        raise AggregateFileError(path.name, "文件为空", "the file is empty")
    header = [match_header(cell) for cell in table[0]]
    missing = [c for c in COLUMNS if c.required and c.key not in header]
    if missing:
        names = "、".join(f"{c.zh}（{c.key}）" for c in missing)
        raise AggregateFileError(
            path.name,
            f"第1行缺少必填列：{names}",
            f"row 1 lacks required columns: {', '.join(c.key for c in missing)}",
        )
    repeated = {k for k in header if k is not None and header.count(k) > 1}
    if repeated:
        raise AggregateFileError(
            path.name,
            f"第1行列名重复：{', '.join(sorted(repeated))}",
            f"row 1 repeats columns: {', '.join(sorted(repeated))}",
        )
    rows: list[RawRow] = []
    for number, values in enumerate(table[1:], start=2):
        cells: dict[str, str | None] = {c.key: None for c in COLUMNS}
        for key, value in zip(header, values, strict=False):
            if key is not None:
                cells[key] = cell_text(value)
        if any(v is not None for v in cells.values()):
            rows.append(RawRow(number, cells))
    return rows


def _xlsx_rows(path: Path, content: bytes) -> list[list[object]]:
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise AggregateFileError(
            path.name, f"无法读取 XLSX 文件：{exc}", f"cannot read the XLSX file: {exc}"
        ) from exc
    try:
        sheet = wb[DATA_SHEET] if DATA_SHEET in wb.sheetnames else wb.worksheets[0]
        if DATA_SHEET not in wb.sheetnames and len(wb.worksheets) > 1:
            raise AggregateFileError(
                path.name,
                f"找不到工作表“{DATA_SHEET}”",
                f"no sheet named {DATA_SHEET!r}",
            )
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        wb.close()


def _csv_rows(path: Path, content: bytes) -> list[list[object]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AggregateFileError(
            path.name,
            f"CSV 文件应为 UTF-8 编码（第 {exc.start} 字节无法解码）",
            f"the CSV file must be UTF-8 (byte {exc.start} cannot be decoded)",
        ) from exc
    return [list(r) for r in csv.reader(io.StringIO(text))]

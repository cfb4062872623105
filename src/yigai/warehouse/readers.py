"""Readers for the files county institutions send (数据文件读取): CSV, XLSX and Parquet.

Each reader returns a :class:`RawInput`: the data as an Arrow table, the row number a user
sees for each row, and the rows that could not even be split into columns. Text formats come
back as all-string columns; conversion and validation happen in :mod:`yigai.warehouse.convert`.

Row numbers: CSV and XLSX use the spreadsheet row (header = row 1, so the first data row is
row 2; a quoted value holding a line break is still one row, as a spreadsheet shows it).
Parquet rows are numbered from 1. Blank rows (empty, spaces, or only separators) are
skipped; they keep their place in the numbering.

CSV encodings: UTF-8, UTF-8 with BOM, and GB18030 (a superset of GBK/GB2312, which HIS
exports often use). UTF-8 is tried first: valid GB18030 text with Chinese characters is
almost never valid UTF-8, so the order does not misread real files.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


class FileRejected(Exception):
    """The whole file cannot be read (encoding, header, format)."""

    def __init__(self, zh: str, en: str, column: str | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en, self.column = zh, en, column


@dataclass(frozen=True)
class BrokenRow:
    """A row whose cells do not line up with the header."""

    row: int
    zh: str
    en: str


@dataclass
class RawInput:
    table: pa.Table
    rows: np.ndarray  # int64, the user-visible row number of each table row
    broken: list[BrokenRow] = field(default_factory=list)


def read(path: Path) -> RawInput:
    """Read ``path`` by its suffix (.csv, .xlsx, .parquet)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".parquet", ".pq"):
        return read_parquet(path)
    raise FileRejected(
        f"不支持的文件类型 {path.suffix!r}（支持 .csv、.xlsx、.parquet）",
        f"unsupported file type {path.suffix!r} (use .csv, .xlsx or .parquet)",
    )


def _check_header(names: list[str]) -> list[str]:
    names = [n.strip() for n in names]
    for i, name in enumerate(names, start=1):
        if not name:
            raise FileRejected(f"表头第 {i} 列没有列名", f"header column {i} has no name")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FileRejected(
                f"表头中列名 {name!r} 重复", f"column {name!r} appears twice in the header", name
            )
        seen.add(name)
    return names


def decode(data: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM) or GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"无法识别文件编码（第 {exc.start} 字节）；请使用 UTF-8 或 GB18030（GBK）编码",
            f"cannot decode the file (byte {exc.start}); use UTF-8 or GB18030 (GBK)",
        ) from None


def read_csv(path: Path) -> RawInput:
    text = decode(path.read_bytes())
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        raise FileRejected(
            "文件为空或第 1 行没有表头", "the file is empty or has no header in row 1"
        )
    names = _check_header(next(csv.reader([first_line])))
    body = text[len(first_line) :].lstrip("\r").removeprefix("\n")
    fallback = False

    def on_invalid(_row: object) -> str:
        nonlocal fallback
        fallback = True
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        fallback = True
    if fallback or (len(names) == 1 and "\n\n" in body.replace("\r\n", "\n")):
        # Blank or ragged rows: the exact row numbers need a record-by-record read.
        return _read_csv_slow(body, names)
    rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    blank = _blank_rows(table)
    if blank.any():
        # Empty lines and rows of bare commas (",,,", as Excel saves cleared rows) are skipped.
        keep = pa.array(~blank)
        return RawInput(table.filter(keep), rows[~blank])
    return RawInput(table, rows)


def _blank_rows(table: pa.Table) -> np.ndarray:
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        empty = pc.equal(pc.utf8_trim_whitespace(column), "")
        blank &= np.asarray(empty.to_numpy(zero_copy_only=False), dtype=bool)
        if not blank.any():  # the usual file: settled by its first column
            break
    return blank


def _read_csv_slow(body: str, names: list[str]) -> RawInput:
    columns: list[list[str]] = [[] for _ in names]
    rows: list[int] = []
    broken: list[BrokenRow] = []
    # A cell may be far longer than the csv module's default limit (128 KiB); it is read
    # whole and refused by length at conversion, with its row and column named.
    csv.field_size_limit(max(csv.field_size_limit(), len(body) + 1))
    for i, record in enumerate(csv.reader(io.StringIO(body, newline="")), start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(names):
            broken.append(
                BrokenRow(
                    i,
                    f"该行有 {len(record)} 列，表头有 {len(names)} 列",
                    f"the row has {len(record)} cells but the header has {len(names)}",
                )
            )
            continue
        rows.append(i)
        for column, cell in zip(columns, record, strict=True):
            column.append(cell)
    table = pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, columns, strict=True)})
    return RawInput(table, np.asarray(rows, dtype=np.int64), broken)


def cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text a user typed: dates as ISO, 12.0 as ``12``, 51.03 as
    ``51.03`` (shortest repr, so a yuan amount is never padded or rounded here)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def read_xlsx(path: Path) -> RawInput:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRejected(
            f"无法打开 Excel 文件：{exc}", f"cannot open the Excel file: {exc}"
        ) from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            raise FileRejected(
                "工作表为空或第 1 行没有表头", "the sheet is empty or has no header in row 1"
            )
        cells = [cell_text(v) or "" for v in header]
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            raise FileRejected(
                "工作表为空或第 1 行没有表头", "the sheet is empty or has no header in row 1"
            )
        names = _check_header(cells)
        width = len(names)
        columns: list[list[str | None]] = [[] for _ in names]
        rows: list[int] = []
        broken: list[BrokenRow] = []
        for i, values in enumerate(lines, start=2):
            texts = [cell_text(v) for v in values]
            if not any(t and t.strip() for t in texts):
                continue
            if any(t and t.strip() for t in texts[width:]):
                broken.append(
                    BrokenRow(
                        i,
                        "该行在表头以外的列有内容",
                        "the row has values beyond the header's columns",
                    )
                )
                continue
            texts = (texts + [None] * width)[:width]
            rows.append(i)
            for column, text in zip(columns, texts, strict=True):
                column.append(text)
    finally:
        book.close()
    table = pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, columns, strict=True)})
    return RawInput(table, np.asarray(rows, dtype=np.int64), broken)


def read_parquet(path: Path) -> RawInput:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FileRejected(
            f"无法读取 Parquet 文件：{exc}", f"cannot read the Parquet file: {exc}"
        ) from None
    _check_header(table.column_names)
    return RawInput(table, np.arange(1, table.num_rows + 1, dtype=np.int64))

"""Spreadsheet cells that are safe to open (防公式注入): every XLSX and CSV yigai writes goes
through here, so a value typed by a county (an org name, a department) is shown as the text it
is and never runs as a formula (OWASP "CSV injection").

- XLSX: :func:`save_workbook` turns every cell holding text into a text cell (``t="s"``, no
  ``<f>`` element) just before saving; openpyxl would otherwise store a string beginning with
  ``=`` as a formula. Text that *looks* like a formula also gets Excel's quote prefix, so it
  stays text when someone edits the cell. yigai writes no formulas of its own, so the
  conversion cannot undo one. Numbers, dates and empty cells are left as they are.
- CSV: :func:`csv_value` puts a single quote before text starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return, unless the text is a plain number (``-3.5`` stays a
  number, as the user wrote it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook

#: The characters a spreadsheet program may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
#: Starts like a formula (Arrow's RE2 syntax); plain numbers are excluded separately.
_RISKY_PATTERN = r"^[=+\-@\t\r](?s:.*)$"


def is_risky(text: str) -> bool:
    """True when ``text`` would start a formula if a spreadsheet program read it."""
    return text.startswith(FORMULA_STARTS) and _NUMBER_RE.fullmatch(text) is None


def csv_value(value: Any) -> Any:
    """``value`` as written to a CSV cell: risky text prefixed with ``'``, all else unchanged."""
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer`` with every risky text cell neutralised."""
    return [csv_value(v) for v in values]


def csv_table(table: pa.Table) -> pa.Table:
    """``table`` with risky text in its string columns prefixed, for ``pyarrow.csv``."""
    for i, column in enumerate(table.columns):
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            continue
        risky = pc.and_(
            pc.match_substring_regex(column, _RISKY_PATTERN),
            pc.invert(pc.match_substring_regex(column, f"^{_NUMBER}$")),
        )
        if not pc.any(risky).as_py():
            continue
        quoted = pc.binary_join_element_wise("'", column, "")
        table = table.set_column(i, table.field(i), pc.if_else(risky, quoted, column))
    return table


#: Control characters an XLSX file cannot hold (openpyxl raises IllegalCharacterError).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def printable(value: Any) -> Any:
    """``value`` with control characters (NUL and the like, from a damaged export) shown as
    ``�``, so a text quoted from a user's file can always be written to an XLSX cell."""
    if isinstance(value, str):
        return _ILLEGAL_XLSX.sub("\ufffd", value)
    return value


def neutralise(wb: Workbook) -> Workbook:
    """Make every text cell of ``wb`` a text cell (never a formula); see the module notes."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if is_risky(cell.value):
                        cell.quotePrefix = True
    return wb


def save_workbook(wb: Workbook, path: Path | str) -> Path:
    """Save ``wb`` to ``path`` after :func:`neutralise`; creates the parent folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise(wb).save(path)
    return path

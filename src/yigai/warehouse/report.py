"""The result of an import (导入结果) and its error report (问题清单).

Row numbers are the ones a user sees (see :mod:`yigai.warehouse.readers`). Values shown are
never raw personal data: anything shaped like an identity number is masked (:func:`scrub`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from yigai import safe_cells
from yigai.people import identity
from yigai.warehouse.store import Batch

Status = Literal["committed", "rejected", "already_imported"]


@dataclass(frozen=True)
class Rejection:
    """One problem: the file, the row a user sees, the column as given, the value (masked if
    personal) and the reason in Chinese and English. ``row`` is None for a whole-file error."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    zh: str
    en: str


REPORT_HEADER = ("文件 file", "行号 row", "列 column", "值 value", "错误原因", "reason")


@dataclass
class IngestReport:
    """What happened to one import (导入结果)."""

    record_set: str
    file: str
    source: str
    batch_id: str
    status: Status
    rows_read: int
    rows_stored: int
    rejections: list[Rejection] = field(default_factory=list)
    batch: Batch | None = None

    @property
    def rows_rejected(self) -> int:
        """Distinct rows with at least one rejection."""
        return len({r.row for r in self.rejections if r.row is not None})

    def write(self, path: Path) -> Path:
        """Write the rejections as an error report: ``.xlsx`` or CSV (UTF-8 with BOM, so
        Excel opens the Chinese text correctly)."""
        path = Path(path)
        rows = [
            (r.file, r.row, r.column or "", r.value if r.value is not None else "", r.zh, r.en)
            for r in self.rejections
        ]
        # The values quoted are what the user's file held: written as text, never formulas.
        if path.suffix.lower() == ".xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "错误报告"
            sheet.append(REPORT_HEADER)
            for row in rows:
                sheet.append([safe_cells.printable(v) for v in row])
            safe_cells.save_workbook(book, path)
        else:
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(REPORT_HEADER)
                writer.writerows(safe_cells.csv_row(row) for row in rows)
        return path


ID_LIKE = re.compile(r"\d{17}[\dXx]|\d{15}")


def scrub(value: object) -> str | None:
    """A value safe to show: anything shaped like an identity number is masked, wherever it
    appears (a raw number typed into the wrong column must not leak into a report)."""
    if value is None:
        return None
    return ID_LIKE.sub(lambda m: identity.mask(m.group(0)), str(value))

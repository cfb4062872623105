"""Import findings (校验结果): a rejection stops a row; a warning only flags it.

Every finding names the file, the row (as numbered in the spreadsheet: the header is row 1),
the column and the reason, Chinese first, then English.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    file: str
    row: int
    column: str
    value: str | None
    zh: str
    en: str

    def __str__(self) -> str:
        shown = "" if self.value is None else f"（{self.value}）"
        return (
            f"{self.file} 第{self.row}行 {self.column}列{shown}：{self.zh} / "
            f"{self.file} row {self.row}, column {self.column}: {self.en}"
        )


class Rejection(Finding):
    """拒收: the row is not stored."""


class Warning_(Finding):
    """预警: the row is stored, but a person should look at it (e.g. a month-on-month jump)."""


class AggregateFileError(ValueError):
    """A file that cannot be read at all (wrong type, no data sheet, missing columns)."""

    def __init__(self, file: str, zh: str, en: str) -> None:
        super().__init__(f"{file}：{zh} / {file}: {en}")
        self.file, self.zh, self.en = file, zh, en

"""Layout of the reported-data template (上报数据模板): columns, sheet names, money units.

Headers are Chinese with the English key beneath (``指标编码\\nindicator_id``); the importer
accepts a header cell that holds the key, the Chinese label, or both, so a CSV written by hand
with English keys only is read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool
    stored: bool = True  # False: a reading aid (names, notes) the importer ignores

    @property
    def header(self) -> str:
        return f"{self.zh}\n{self.key}"


COLUMNS: tuple[Column, ...] = (
    Column("indicator_id", "指标编码", "indicator id", True),
    Column("org_id", "机构编码", "org unit id", True),
    Column("period_id", "统计周期", "period (202503 / 2025Q1 / 2025)", True),
    Column("numerator", "分子", "numerator", False),
    Column("denominator", "分母", "denominator", False),
    Column("value", "指标值", "value (direct-value indicators)", False),
    Column("money_unit", "金额单位", "money unit: yuan (元, default) or fen (分)", False),
    Column("indicator_name", "指标名称", "indicator name (not stored)", False, stored=False),
    Column("org_name", "机构名称", "org unit name (not stored)", False, stored=False),
    Column("note", "备注", "note (not stored)", False, stored=False),
)
BY_KEY = {c.key: c for c in COLUMNS}

DATA_SHEET = "数据 Data"
INSTRUCTIONS_SHEET = "填报说明 Instructions"
CODES_SHEET = "代码表 Codes"

#: Accepted spellings of the money unit; blank means yuan.
MONEY_UNITS = {"": "yuan", "yuan": "yuan", "元": "yuan", "fen": "fen", "分": "fen"}


def match_header(cell: object) -> str | None:
    """The column key a header cell names, or None for an unknown column."""
    if cell is None:
        return None
    for token in str(cell).replace("\r", "\n").replace("/", "\n").split():
        token = token.strip()
        for column in COLUMNS:
            if token in (column.key, column.zh):
                return column.key
    return None

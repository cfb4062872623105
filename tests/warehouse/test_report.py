"""Import results and error reports (yigai.warehouse.report).

Source: the task brief — rejections written to CSV/XLSX with Chinese column headers and
English; personal values never shown raw.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from yigai.people import identity
from yigai.warehouse.report import REPORT_HEADER, IngestReport, Rejection, scrub

from .conftest import RESIDENT_A


def sample() -> IngestReport:
    rejections = [
        Rejection("o.csv", 2, "kind", "bad", "不是有效代码", "not a valid code"),
        Rejection("o.csv", 2, "name", None, "必填项为空", "required value is missing"),
        Rejection("o.csv", 5, "beds", "-1", "小于最小值 0", "below the minimum 0"),
    ]
    return IngestReport("org_units", "o.csv", "file:o.csv", "abc", "rejected", 4, 0, rejections)


def read_rows(path: Path) -> list[list[str]]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return list(csv.reader(fh))
    sheet = openpyxl.load_workbook(path).active
    return [["" if c is None else str(c) for c in r] for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_error_report_has_bilingual_headers_and_one_line_per_rejection(
    tmp_path: Path, suffix: str
) -> None:
    rows = read_rows(sample().write(tmp_path / f"errors{suffix}"))
    assert (
        rows[0]
        == list(REPORT_HEADER)
        == ["文件 file", "行号 row", "列 column", "值 value", "错误原因", "reason"]
    )
    assert rows[1] == ["o.csv", "2", "kind", "bad", "不是有效代码", "not a valid code"]
    assert len(rows) == 4


def test_rows_rejected_counts_distinct_rows() -> None:
    assert sample().rows_rejected == 2


def test_scrub_masks_identity_numbers_anywhere_in_a_value() -> None:
    assert scrub(f"见 {RESIDENT_A} 号") == f"见 {identity.mask(RESIDENT_A)} 号"
    assert scrub("H1") == "H1"
    assert scrub(None) is None

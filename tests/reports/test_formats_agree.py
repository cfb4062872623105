"""The four formats of one bulletin carry the same tables (issue 13: a column swapped in one
writer must not survive).

The fixture county's quarterly bulletin is read back: the indicator, ranking and task tables
from the DOCX (python-docx), the HTML (lxml) and the PDF text layer (pypdfium2) must be the
same cells in the same order, header included; the XLSX sheets, which hold raw numbers under
named columns (Chinese and English in one header cell), must hold the same values under the same column
names as the documents show. The XLSX keeps ``是否逾期`` as its own column where the documents
append ``（逾期）`` to the status; that is the one difference allowed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import docx
import lxml.html
import openpyxl
import pypdfium2 as pdfium
import pytest

#: First header cell of each table in the documents → (caption text, XLSX sheet).
TABLES = {
    "指标": ("重点监测指标完成情况", "指标完成情况"),
    "名次": ("考核排名", "考核排名"),
    "编号": ("重点任务进展", "重点任务"),
}
OVERDUE = "（逾期）"
EMPTY = "—"

Table = list[list[str]]


def _squash(text: str) -> str:
    return "".join(text.split())


def _pick(tables: list[Table], first: str) -> Table:
    # the annex repeats the indicator table with 分子/分母; the body's is the one compared
    found = [t for t in tables if t and t[0] and t[0][0] == first and "分子/分母" not in t[0]]
    assert len(found) == 1, f"expected one table headed {first!r}, found {len(found)}"
    return found[0]


def _docx_tables(path: Path) -> list[Table]:
    document = docx.Document(str(path))
    return [[[_squash(c.text) for c in row.cells] for row in t.rows] for t in document.tables]


def _html_tables(path: Path) -> list[Table]:
    tree = lxml.html.parse(str(path))
    return [
        [[_squash(cell.text_content()) for cell in row.xpath("./th|./td")] for row in t.iter("tr")]
        for t in tree.iter("table")
    ]


def _pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    # page numbers (— 2 —) sit between a table's last line on one page and the next page's text
    return _squash(re.sub(r"—\s*\d+\s*—", "", "\n".join(pages)))


@pytest.fixture(scope="module")
def documents(bulletin_files: dict[str, Path]) -> dict[str, dict[str, Table]]:
    """The three tables of the DOCX and of the HTML, by their first header cell."""
    read = {
        "docx": _docx_tables(bulletin_files["docx"]),
        "html": _html_tables(bulletin_files["html"]),
    }
    return {fmt: {first: _pick(tables, first) for first in TABLES} for fmt, tables in read.items()}


@pytest.mark.parametrize("first", sorted(TABLES))
def test_docx_and_html_tables_are_the_same_cells(
    documents: dict[str, dict[str, Table]], first: str
) -> None:
    docx_table, html_table = documents["docx"][first], documents["html"][first]
    assert len(docx_table) > 2  # a header and at least two rows: an order can be wrong
    assert html_table == docx_table


@pytest.mark.parametrize("first", sorted(TABLES))
def test_pdf_text_carries_the_table_cells_in_order(
    documents: dict[str, dict[str, Table]], bulletin_files: dict[str, Path], first: str
) -> None:
    """The text layer holds each cell's lines in cell order (a wrapped cell's lines stay
    together), so after the caption the cells follow one another, row by row."""
    caption, _ = TABLES[first]
    text = _pdf_text(bulletin_files["pdf"])
    expected = "".join(cell for row in documents["docx"][first] for cell in row)
    start = text.find(_squash(caption) + first)  # the caption, then the header's first cell
    assert start >= 0, f"table {caption!r} not found in the PDF text"
    after = text[start + len(_squash(caption)) :]
    # a table that runs onto the next page repeats its header row there
    header = "".join(documents["docx"][first][0])
    after = header + after[len(header) :].replace(header, "", 1)
    assert after[: len(expected)] == expected


# ---------------------------------------------------------------- the XLSX, by column name


def _xlsx_table(path: Path, sheet: str) -> tuple[list[str], list[list[tuple[Any, str]]]]:
    """Chinese header and the data rows (value, number format) of ``sheet``."""
    workbook = openpyxl.load_workbook(path)
    rows = list(workbook[sheet].iter_rows())
    # one header row: "指标 / Indicator" in one cell
    header = [str(c.value).split(" / ")[0] for c in rows[0]]
    return header, [[(c.value, c.number_format) for c in row] for row in rows[1:]]


_NUMBER = re.compile(r"^([+-]?[\d,]+(?:\.\d+)?)(%|元|个百分点|‰)?$")


def _same(shown: str, value: Any, number_format: str) -> bool:
    """Does the document's ``shown`` text show the XLSX cell ``value``?"""
    if shown == EMPTY:
        return value is None
    if isinstance(value, dt.datetime | dt.date):
        return shown == f"{value.year}年{value.month}月{value.day}日"
    number = _NUMBER.match(shown)
    if number and isinstance(value, int | float) and not isinstance(value, bool):
        displayed = Decimal(number.group(1).replace(",", ""))
        stored = Decimal(repr(value)) * (100 if "%" in number_format else 1)
        places = Decimal(1).scaleb(displayed.as_tuple().exponent)  # type: ignore[arg-type]
        return stored.quantize(places, rounding=ROUND_HALF_UP) == displayed
    return shown == (None if value is None else str(value))


def _xlsx_column(name: str, shown: str) -> str:
    """The XLSX keeps a change in one unit per column: a document's 环比/同比 cell shown in
    points (个百分点) is in the points column, any other in the growth (%) column."""
    if name not in ("环比", "同比"):
        return name
    return f"{name}（百分点）" if shown.endswith("个百分点") else f"{name}增长（%）"


@pytest.mark.parametrize("first", sorted(TABLES))
def test_xlsx_holds_what_the_documents_show(
    documents: dict[str, dict[str, Table]], bulletin_files: dict[str, Path], first: str
) -> None:
    _, sheet = TABLES[first]
    shown_header, *shown_rows = documents["docx"][first]
    header, rows = _xlsx_table(bulletin_files["xlsx"], sheet)
    wanted = {
        _xlsx_column(n, t) for row in shown_rows for n, t in zip(shown_header, row, strict=True)
    }
    assert wanted <= set(header), f"{sheet}: columns missing from the XLSX"
    assert len(rows) == len(shown_rows)
    overdue = header.index("是否逾期") if "是否逾期" in header else None
    wrong = []
    for number, (shown, row) in enumerate(zip(shown_rows, rows, strict=True), start=1):
        for name, text in zip(shown_header, shown, strict=True):
            value, number_format = row[header.index(_xlsx_column(name, text))]
            if name == "目标值":  # the documents show its direction; the XLSX has 方向
                text = text.removeprefix("≥").removeprefix("≤")
            if name == "进展状态" and overdue is not None:
                late = row[overdue][0] == "是"
                if text.endswith(OVERDUE) != late:
                    wrong.append((number, "是否逾期", text, row[overdue][0]))
                text = text.removesuffix(OVERDUE)
            if not _same(text, value, number_format):
                wrong.append((number, name, text, value))
    assert wrong == []

"""File readers (yigai.warehouse.readers): encodings, spreadsheet row numbers, XLSX cells.

Source: the task brief — CSV in UTF-8, UTF-8-BOM and GB18030 (HIS exports are often GBK),
XLSX first sheet with a header row; row numbers as a spreadsheet shows them (header = 1).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from yigai.warehouse import readers


def test_gb18030_csv_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("org_id,name\nH1,县人民医院\n".encode("gb18030"))
    raw = readers.read(path)
    assert raw.table["name"].to_pylist() == ["县人民医院"]


def test_utf8_bom_csv_header_has_no_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("org_id,name\nH1,县医院\n".encode("utf-8-sig"))
    assert readers.read(path).table.column_names == ["org_id", "name"]


def test_undecodable_bytes_reject_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"org_id\n\xff\xff\xff\n")
    with pytest.raises(readers.FileRejected, match="编码"):
        readers.read(path)


def test_csv_rows_are_numbered_from_two(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('a,b\n1,"two\nlines"\n3,4\n', encoding="utf-8")
    raw = readers.read(path)
    assert raw.rows.tolist() == [2, 3]
    assert raw.table["b"].to_pylist() == ["two\nlines", "4"]


def test_blank_and_ragged_csv_rows_keep_spreadsheet_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n\n3,4,5\n6,7\n", encoding="utf-8")
    raw = readers.read(path)
    assert raw.rows.tolist() == [2, 5]
    assert [(b.row, b.en) for b in raw.broken] == [(4, "the row has 3 cells but the header has 2")]


def test_csv_values_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("code,amount\n007,51.10\n", encoding="utf-8")
    table = readers.read(path).table
    assert table["code"].to_pylist() == ["007"] and table["amount"].to_pylist() == ["51.10"]


def test_duplicate_header_rejects_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a,a\n1,2\n", encoding="utf-8")
    with pytest.raises(readers.FileRejected, match="重复"):
        readers.read(path)


def test_xlsx_first_sheet_cells_as_text_with_sheet_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["org_id", "beds", "opened", "cost"])
    sheet.append(["H1", 120, dt.datetime(2025, 3, 5), 51.03])
    sheet.append([None, None, None, None])
    sheet.append(["H2", 12.0, "2025/3/6", 7])
    book.create_sheet("other").append(["ignored"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    raw = readers.read(path)
    assert raw.rows.tolist() == [2, 4]
    assert raw.table.to_pylist() == [
        {"org_id": "H1", "beds": "120", "opened": "2025-03-05", "cost": "51.03"},
        {"org_id": "H2", "beds": "12", "opened": "2025/3/6", "cost": "7"},
    ]


def test_unknown_suffix_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(readers.FileRejected, match="不支持"):
        readers.read(path)

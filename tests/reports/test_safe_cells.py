"""Spreadsheets we write are safe to open (yigai.safe_cells): text that looks like a formula,
from any imported field, is written as text in every XLSX and CSV we produce."""

from __future__ import annotations

import csv
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from yigai import cli, safe_cells
from yigai.aggregates import IndicatorSpec, make_template
from yigai.indicators.model import Unit
from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import ingest_file

CALC = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://x","y")'


def formulas(path: Path) -> list[str]:
    """Every ``<f>`` element of every sheet of the workbook at ``path``."""
    with zipfile.ZipFile(path) as z:
        return [
            m
            for name in z.namelist()
            if name.startswith("xl/worksheets/")
            for m in re.findall(r"<f[ >].*?</f>|<f/>", z.read(name).decode())
        ]


def text_cells(path: Path) -> dict[str, str]:
    """value → data type of every cell holding one of the hostile values."""
    wb = openpyxl.load_workbook(path)
    return {
        c.value: c.data_type
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value in (CALC, LINK)
    }


def assert_plain_text(path: Path, *values: str) -> None:
    assert formulas(path) == []
    assert text_cells(path) == {v: "s" for v in values}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("YIGAI_PSEUDONYM_KEY", "safe-cells-test-key")
    return tmp_path / "home"


@pytest.fixture
def wh(home: Path, tmp_path: Path) -> Warehouse:
    """The warehouse of ``home``, its org register imported with hostile org names."""
    wh = Warehouse(home / "warehouse")
    orgs = tmp_path / "org_units.csv"
    with orgs.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["org_id", "parent_id", "kind", "name", "inst_type", "level", "ownership"])
        w.writerow(["C1", "", "county", "某县", "", "", ""])
        w.writerow(["M1", "C1", "community", LINK, "", "", ""])
        w.writerow(["T1", "M1", "institution", CALC, "township_centre", "township", "public"])
    report = ingest_file(wh, "org_units", orgs, key=b"k")
    assert report.status == "committed", report.rejections
    return wh


def test_formula_text_is_risky_and_numbers_are_not() -> None:
    assert [safe_cells.is_risky(t) for t in (CALC, LINK, "+1+2", "@SUM(A1)", "\tx", "\rx")] == [
        True
    ] * 6
    assert [safe_cells.is_risky(t) for t in ("-3.5", "+2", "-1e3", "某县", "a=b", "")] == [
        False
    ] * 6


def test_csv_value_quotes_formula_text_and_keeps_numbers() -> None:
    assert safe_cells.csv_row([CALC, "-12.5", -3, Decimal("-1"), None, "卫生院"]) == [
        "'" + CALC,
        "-12.5",
        -3,
        Decimal("-1"),
        None,
        "卫生院",
    ]


def test_csv_table_quotes_formula_text_in_string_columns_only() -> None:
    table = pa.table({"org_id": [CALC, "T1", None, "-7"], "n": [-1, 2, 3, 4]})
    out = safe_cells.csv_table(table)
    assert out["org_id"].to_pylist() == ["'" + CALC, "T1", None, "-7"]
    assert out["n"].to_pylist() == [-1, 2, 3, 4]


def test_saved_workbook_keeps_formula_text_as_text_and_numbers_as_numbers(
    tmp_path: Path,
) -> None:
    wb = openpyxl.Workbook()
    wb.active.append([CALC, LINK, -3, "-3"])
    path = safe_cells.save_workbook(wb, tmp_path / "x.xlsx")
    assert_plain_text(path, CALC, LINK)
    row = next(openpyxl.load_workbook(path).active.iter_rows())
    assert [(c.value, c.data_type) for c in row[2:]] == [(-3, "n"), ("-3", "s")]
    assert row[0].quotePrefix and not row[3].quotePrefix


def test_imported_org_names_are_plain_text_in_the_bulletin_annex(wh: Warehouse, home: Path) -> None:
    """End to end: org units imported, then `yigai report` run on the warehouse."""
    result = CliRunner().invoke(cli.app, ["report", "--period", "2025Q4"])
    assert result.exit_code == 0, result.output
    (annex,) = (home / "out" / "reports").glob("*.xlsx")
    assert_plain_text(annex, CALC, LINK)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_rejected_values_are_plain_text_in_the_error_report(
    wh: Warehouse, tmp_path: Path, suffix: str
) -> None:
    bad = tmp_path / "bad_orgs.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["org_id", "kind", "name"])
        w.writerow(["C2", LINK, "某县"])
    report = ingest_file(wh, "org_units", bad, key=b"k")
    assert report.status == "rejected"
    path = report.write(tmp_path / f"errors{suffix}")
    if suffix == ".xlsx":
        assert_plain_text(path, LINK)
    else:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            values = [row[3] for row in csv.reader(fh)]
        assert "'" + LINK in values and LINK not in values


def test_imported_org_name_is_plain_text_in_the_aggregates_template(
    wh: Warehouse, tmp_path: Path
) -> None:
    orgs = wh.read("org_units", columns=["org_id", "name"]).to_pylist()
    path = make_template(
        tmp_path / "t.xlsx",
        [IndicatorSpec("in_county_visit_rate", Unit.PERCENT, name_zh="县域内就诊率")],
        {o["org_id"]: o["name"] for o in orgs},
        ["202503"],
    )
    assert_plain_text(path, CALC, LINK)


def test_cli_error_report_of_a_rejected_import_holds_plain_text(
    wh: Warehouse, tmp_path: Path
) -> None:
    bad = tmp_path / "bad_orgs.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["org_id", "kind", "name"])
        w.writerow(["C2", LINK, CALC])
    errors = tmp_path / "errors.xlsx"
    result = CliRunner().invoke(cli.app, ["import", "org_units", str(bad), "--errors", str(errors)])
    assert result.exit_code == 1, result.output
    assert_plain_text(errors, LINK)


def test_cli_aggregates_template_holds_imported_org_names_as_text(
    wh: Warehouse, tmp_path: Path
) -> None:
    out = tmp_path / "template.xlsx"
    result = CliRunner().invoke(
        cli.app,
        ["aggregates", "template", str(out), "-p", "202503", "-i", "in_county_visit_rate"],
    )
    assert result.exit_code == 0, result.output
    assert_plain_text(out, CALC, LINK)


def test_indicator_result_csv_quotes_formula_text(tmp_path: Path) -> None:
    from yigai.indicators.commands import _write

    out = tmp_path / "values.csv"
    _write(pa.table({"org_id": [CALC, "T1"], "numerator": [-1, 2]}), out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1:] == [["'" + CALC, "-1"], ["T1", "2"]]

"""``yigai aggregates template|import`` through Typer's runner (SQLite; the library is tested
on both databases)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from yigai.aggregates.commands import app
from yigai.aggregates.layout import DATA_SHEET
from yigai.console import console

runner = CliRunner()


def test_template_then_import_round_trip(tmp_path: Path) -> None:
    xlsx = tmp_path / "t.xlsx"
    result = runner.invoke(
        app, ["template", str(xlsx), "-p", "202503", "-i", "in_county_visit_rate", "-o", "county-a"]
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(xlsx)
    wb[DATA_SHEET]["D2"], wb[DATA_SHEET]["E2"] = "900", "1000"
    wb.save(xlsx)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    args = [
        "import",
        str(xlsx),
        "-i",
        "in_county_visit_rate",
        "-o",
        "county-a",
        "--database-url",
        url,
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "committed" in first.output
    again = runner.invoke(app, args)
    assert "already_imported" in again.output


def test_rejected_import_exits_non_zero_and_lists_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "width", 250)  # keep each reason on one line
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "indicator_id,org_id,period_id,numerator,denominator\n"
        "in_county_visit_rate,county-a,202503,11,10\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = runner.invoke(
        app,
        ["import", str(csv), "-i", "in_county_visit_rate", "-o", "county-a", "--database-url", url],
    )
    assert result.exit_code == 1
    assert "分子不得大于分母" in result.output

"""A user's mistake ends with a message naming what to fix and exit code 1, never a
traceback (issue 13, item 4), through the real ``yigai`` entry point.

Source: issue 13 — an 8 MB cell, NUL bytes (with ``--errors x.xlsx``), Rich markup in a
cell (``[/bold]``), a period of the wrong grain for ``assess``, a broken hierarchy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from yigai import cli
from yigai.records import schemas
from yigai.warehouse import Warehouse
from yigai.warehouse import convert as cv


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("YIGAI_PSEUDONYM_KEY", "cli-test-key")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path / "home"


def _yigai(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    """Run the ``yigai`` entry point; its exit code and everything it printed."""
    monkeypatch.setattr(sys, "argv", ["yigai", *args])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    captured = capsys.readouterr()
    return exit_.value.code, captured.out + captured.err


def _csv(tmp_path: Path, body: bytes) -> Path:
    path = tmp_path / "orgs.csv"
    path.write_bytes(b"org_id,kind,name\n" + body)
    return path


def test_an_8_mb_cell_is_refused_by_its_length(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = _csv(tmp_path, b"C1,county," + b"x" * 8_000_000 + b"\n")
    code, out = _yigai(monkeypatch, capsys, "import", "org_units", str(path))
    assert code == 1
    assert str(cv.MAX_CELL_CHARS) in out and "characters" in out
    assert "Traceback" not in out


def test_nul_bytes_in_a_cell_still_give_an_xlsx_error_report(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = _csv(tmp_path, b"C1,coun\x00ty,x\n")
    errors = tmp_path / "x.xlsx"
    code, out = _yigai(
        monkeypatch, capsys, "import", "org_units", str(path), "--errors", str(errors)
    )
    assert code == 1 and "Traceback" not in out
    sheet = openpyxl.load_workbook(errors).active
    assert sheet.cell(2, 4).value == "coun\ufffdty"  # the value, control character shown


def test_rich_markup_in_a_cell_is_printed_as_text(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = _csv(tmp_path, b"C1,[/bold],x\n")
    code, out = _yigai(monkeypatch, capsys, "import", "org_units", str(path))
    assert code == 1 and "Traceback" not in out
    assert "[/bold]" in out and "不是有效代码" in out


def test_a_quarter_for_a_yearly_scheme_names_the_period_to_give(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    code, out = _yigai(monkeypatch, capsys, "assess", "community_2020", "2025Q4")
    assert code == 1 and "Traceback" not in out
    assert "按年度考核" in out and "如 2025" in out and "such as 2025" in out


def _broken_hierarchy(home: Path) -> None:
    """An org tree with a cycle, committed as an older version's import could have left it."""
    wh = Warehouse(home / "warehouse")
    rows = [
        {"org_id": "C1", "parent_id": "C2", "kind": "county", "name": "甲县"},
        {"org_id": "C2", "parent_id": "C1", "kind": "county", "name": "乙县"},
    ]
    table = pa.Table.from_pylist(rows, schema=schemas.ORG_UNITS.arrow_schema())
    wh.commit("org_units", table, "0" * 64, "older-version")


@pytest.mark.parametrize(
    "args",
    [
        ("indicators", "compute", "2025"),
        ("report", "--period", "2025Q4"),
    ],
)
def test_a_broken_hierarchy_in_the_warehouse_says_what_to_correct(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, args: tuple[str, ...]
) -> None:
    _broken_hierarchy(home)
    code, out = _yigai(monkeypatch, capsys, *args)
    assert code == 1 and "Traceback" not in out
    assert "循环" in out and "org_units" in out and "import them again" in out


def test_an_error_report_path_that_cannot_be_written_is_named(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = _csv(tmp_path, b"C1,planet,x\n")
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("")
    errors = blocker / "errors.csv"
    code, out = _yigai(
        monkeypatch, capsys, "import", "org_units", str(path), "--errors", str(errors)
    )
    assert code == 1 and "Traceback" not in out
    assert "无法写入问题清单" in out and "cannot write the error report" in out

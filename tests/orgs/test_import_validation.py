"""The org tree is checked whole at import (stored versions + the file's rows): a unit whose
parent is unknown, itself, or closes a cycle is refused with file, row, column and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from yigai.cli import app
from yigai.orgs.hierarchy import closure
from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import IngestReport, ingest_file

KEY = b"test-key"
HEADER = "org_id,parent_id,kind,name,inst_type,level,ownership,version_from,retired_reason"
COUNTY = "K,,county,某县,,,,,"


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "wh")


def _import(wh: Warehouse, tmp_path: Path, *rows: str, name: str = "orgs.csv") -> IngestReport:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return ingest_file(wh, "org_units", path, key=KEY)


def _inst(org_id: str, parent: str, since: str = "", retired: str = "") -> str:
    return f"{org_id},{parent},institution,{org_id}卫生院,township_centre,township,public,{since},{retired}"


def _problems(report: IngestReport) -> list[tuple[str, int | None, str | None, str]]:
    return [(r.file, r.row, r.column, r.zh) for r in report.rejections]


def test_unknown_parent_is_refused_with_row_column_and_reason(wh, tmp_path) -> None:
    report = _import(wh, tmp_path, COUNTY, _inst("T1", "K"), _inst("T2", "KX"))
    assert report.status == "rejected"
    assert _problems(report) == [("orgs.csv", 4, "parent_id", "未知上级 KX")]
    assert report.rejections[0].en == "unknown parent KX"
    assert wh.read("org_units").num_rows == 0


def test_unit_that_is_its_own_parent_is_refused(wh, tmp_path) -> None:
    report = _import(wh, tmp_path, COUNTY, _inst("T1", "T1"))
    assert _problems(report) == [("orgs.csv", 3, "parent_id", "上级为自身")]


def test_a_cycle_is_refused_on_every_row_that_forms_it(wh, tmp_path) -> None:
    report = _import(wh, tmp_path, COUNTY, _inst("A", "B"), _inst("B", "A"), _inst("C", "K"))
    assert _problems(report) == [
        ("orgs.csv", 3, "parent_id", "形成循环：A→B→A"),
        ("orgs.csv", 4, "parent_id", "形成循环：B→A→B"),
    ]
    assert report.rejections[0].en == "forms a cycle: A→B→A"


def test_a_parent_may_come_later_in_the_same_file(wh, tmp_path) -> None:
    report = _import(wh, tmp_path, _inst("V", "T1"), _inst("T1", "K"), COUNTY)
    assert report.status == "committed", report.rejections
    assert wh.read("org_units").num_rows == 3


def test_a_correction_that_closes_a_cycle_with_stored_units_is_refused(wh, tmp_path) -> None:
    assert _import(wh, tmp_path, COUNTY, _inst("T1", "K"), _inst("V", "T1")).status == "committed"
    # From 2025-05-01 T1 would sit under V, which sits under T1.
    report = _import(wh, tmp_path, _inst("T1", "V", "2025-05-01"), name="fix.csv")
    assert _problems(report) == [("fix.csv", 2, "parent_id", "形成循环：T1→V→T1")]
    assert wh.read("org_units").num_rows == 3


def test_retiring_a_unit_that_still_has_children_is_refused(wh, tmp_path) -> None:
    _import(wh, tmp_path, COUNTY, _inst("T1", "K"), _inst("V", "T1"))
    report = _import(wh, tmp_path, _inst("T1", "K", "2025-05-01", "撤并"), name="r.csv")
    assert _problems(report) == [("r.csv", 2, "parent_id", "仍是下级机构 V 的上级，不能注销")]


def test_retiring_a_unit_whose_children_move_the_same_day_is_accepted(wh, tmp_path) -> None:
    _import(wh, tmp_path, COUNTY, _inst("T1", "K"), _inst("T2", "K"), _inst("V", "T1"))
    report = _import(
        wh,
        tmp_path,
        _inst("T1", "K", "2025-05-01", "撤并入T2"),
        _inst("V", "T2", "2025-05-01"),
        name="r.csv",
    )
    assert report.status == "committed", report.rejections


def test_with_accept_partial_a_child_of_a_refused_row_is_refused_too(wh, tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("\n".join([HEADER, COUNTY, _inst("A", "A"), _inst("V", "A")]) + "\n")
    report = ingest_file(wh, "org_units", path, key=KEY, accept_partial=True)
    assert report.status == "committed"
    assert sorted((r.row, r.zh) for r in report.rejections) == [
        (3, "上级为自身"),
        (4, "未知上级 A"),
    ]
    stored = wh.read("org_units")
    assert stored["org_id"].to_pylist() == ["K"]
    closure(stored, wh.read("community_members"))  # what is stored rolls up


def test_cli_import_of_a_cycle_exits_1_with_the_reason(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("YIGAI_PSEUDONYM_KEY", "test-key")
    path = tmp_path / "orgs.csv"
    path.write_text("\n".join([HEADER, COUNTY, _inst("A", "B"), _inst("B", "A")]) + "\n")
    result = CliRunner().invoke(app, ["import", "org_units", str(path)])
    assert result.exit_code == 1
    assert "形成循环：A→B→A" in result.output
    assert "Traceback" not in result.output

"""``yigai import`` (yigai.warehouse.commands), run through Typer's test runner.

Source: the task brief — a Rich summary in Chinese (rows read / stored / rejected, first 20
rejections), an optional error report, exit code 1 when the batch is rejected.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from yigai.warehouse import Warehouse
from yigai.warehouse.commands import app

from .conftest import ORGS_CSV


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("YIGAI_PSEUDONYM_KEY", "cli-test-key")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path / "home"


def test_import_commits_and_prints_a_chinese_summary(home: Path, write_csv) -> None:
    result = CliRunner().invoke(app, ["import", "org_units", str(write_csv(ORGS_CSV))])
    assert result.exit_code == 0, result.output
    assert "已导入" in result.output and "入库行数" in result.output
    assert Warehouse(home / "warehouse").read("org_units").num_rows == 3


def test_rejected_import_exits_1_and_writes_the_error_report(
    home: Path, write_csv, tmp_path: Path
) -> None:
    errors = tmp_path / "errors.xlsx"
    path = write_csv("org_id,kind,name\nC1,planet,x\n")
    result = CliRunner().invoke(app, ["import", "org_units", str(path), "--errors", str(errors)])
    assert result.exit_code == 1
    assert "已拒绝" in result.output and "planet" in result.output
    assert errors.exists()


def test_accept_partial_exits_0_with_rejections_listed(home: Path, write_csv) -> None:
    path = write_csv("org_id,kind,name\nC1,county,x\nC2,planet,y\n")
    result = CliRunner().invoke(app, ["import", "org_units", str(path), "--accept-partial"])
    assert result.exit_code == 0
    assert "planet" in result.output


def test_unknown_record_set_exits_2(home: Path, write_csv) -> None:
    result = CliRunner().invoke(app, ["import", "nonsense", str(write_csv(ORGS_CSV))])
    assert result.exit_code == 2
    assert "未知的记录集" in result.output


def test_a_warehouse_busy_past_the_wait_exits_1_with_the_lock_message(
    home: Path, write_csv, monkeypatch
) -> None:
    monkeypatch.setenv("YIGAI_LOCK_TIMEOUT", "0.3")
    wh = Warehouse(home / "warehouse")
    with wh.lock():
        result = CliRunner().invoke(app, ["import", "org_units", str(write_csv(ORGS_CSV))])
    assert result.exit_code == 1
    assert "等待 0.3 秒后仍未释放" in result.output


def test_batches_lists_what_was_imported(home: Path, write_csv) -> None:
    CliRunner().invoke(app, ["import", "org_units", str(write_csv(ORGS_CSV))])
    result = CliRunner().invoke(app, ["batches"])
    assert result.exit_code == 0
    assert "org_units" in result.output and "file:data.csv" in result.output


def test_vacuum_reports_removed_orphans(home: Path) -> None:
    orphan = home / "warehouse" / "org_units" / "all" / "x-0.parquet"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"PAR1")
    result = CliRunner().invoke(app, ["vacuum"])
    assert result.exit_code == 0 and "已删除 1 个" in result.output
    assert not orphan.exists()


def test_grant_then_users_lists_the_grant(home: Path, write_csv) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["import", "org_units", str(write_csv(ORGS_CSV))]).exit_code == 0
    granted = runner.invoke(app, ["grant", "county-wang", "C1"])
    assert granted.exit_code == 0, granted.output
    listed = runner.invoke(app, ["users"])
    assert "county-wang" in listed.output and "C1" in listed.output


def test_grant_by_a_user_without_full_access_exits_1(
    home: Path, write_csv, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["import", "org_units", str(write_csv(ORGS_CSV))]).exit_code == 0
    monkeypatch.setenv("YIGAI_USER", "someone-else")
    result = runner.invoke(app, ["grant", "someone-else", "*"])
    assert result.exit_code == 1 and "someone-else" in result.output


def test_granting_an_unknown_org_unit_is_refused(home: Path, write_csv) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["import", "org_units", str(write_csv(ORGS_CSV))]).exit_code == 0
    result = runner.invoke(app, ["grant", "county-wang", "C9"])
    assert result.exit_code == 1 and "C9" in result.output

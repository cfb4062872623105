"""``yigai tasks load|report|progress|overdue`` through Typer's runner (SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from yigai.console import console
from yigai.reform.commands import app

runner = CliRunner()


def test_load_report_and_list_overdue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 250)  # keep table cells on one line
    db = ["--database-url", f"sqlite:///{tmp_path / 'db.sqlite'}"]
    loaded = runner.invoke(app, ["load", "liaoning-2015", *db])
    assert loaded.exit_code == 0, loaded.output
    assert "新增 15" in loaded.output
    done = runner.invoke(
        app,
        [
            "report",
            "liaoning-2015",
            "W01",
            "100",
            "--reporter",
            "省卫计委",
            "--on",
            "2015-12-01",
            *db,
        ],
    )
    assert done.exit_code == 0, done.output
    late = runner.invoke(app, ["overdue", "--as-of", "2016-01-01", *db])
    assert late.exit_code == 0, late.output
    assert "W02" in late.output and "W01" not in late.output
    summary = runner.invoke(app, ["progress", "--as-of", "2016-01-01", *db])
    assert summary.exit_code == 0
    row = next(line for line in summary.output.splitlines() if "10项重点工作" in line)
    assert "10.0" in row  # W01 at 100%, nine others at 0% → mean 10.0


def test_load_a_countys_own_plan_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`yigai tasks load FILE`: a county's plan is checked, kept under $YIGAI_HOME/plans/,
    and its progress reported per unit."""
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "home"))
    db = ["--database-url", f"sqlite:///{tmp_path / 'db.sqlite'}"]
    own = tmp_path / "k1-2026.yaml"
    own.write_text(
        "id: k1-2026\ntitle: 本县方案\nsource: 本县文件\ntasks:\n"
        "  - {code: A1, category: 具体安排, title: 出台方案, deadline: 2026-03-31,"
        " deadline_text: 2026年3月底前, lead: 县卫生健康局, source_ref: 一}\n",
        encoding="utf-8",
    )
    loaded = runner.invoke(app, ["load", str(own), *db])
    assert loaded.exit_code == 0, loaded.output
    assert "新增 1" in loaded.output
    assert (tmp_path / "home" / "plans" / "k1-2026.yaml").is_file()
    done = runner.invoke(
        app,
        ["report", "k1-2026", "A1", "100", "--reporter", "县卫健局", "--unit", "K1",
         "--on", "2026-03-01", *db],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    mine = runner.invoke(app, ["overdue", "--as-of", "2026-04-01", "--unit", "K1", *db])
    other = runner.invoke(app, ["overdue", "--as-of", "2026-04-01", "--unit", "K2", *db])
    assert "A1" not in mine.output and "A1" in other.output


def test_a_bad_plan_file_is_refused_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yigai.reform.plan import PlanError

    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "home"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: t\nsource: s\ntasks: []\n", encoding="utf-8")
    result = runner.invoke(app, ["load", str(bad), "--database-url", f"sqlite:///{tmp_path}/d"])
    assert isinstance(result.exception, PlanError)  # `yigai` turns it into exit code 1
    assert "must be a non-empty list" in str(result.exception)
    assert not (tmp_path / "home" / "plans").exists()

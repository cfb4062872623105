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

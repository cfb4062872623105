"""Progress of long imports (yigai.console.progress_bar, ingest phases): a bar on a terminal,
nothing in piped or captured output."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from yigai import console as console_mod
from yigai.warehouse import Warehouse
from yigai.warehouse.commands import app
from yigai.warehouse.ingest import PHASES, ingest_file

from .conftest import KEY, ORGS_CSV

Calls = list[tuple[str, int, int | None]]


def recorder() -> tuple[Calls, Callable[[str, int, int | None], None]]:
    calls: Calls = []
    return calls, lambda phase, done, total: calls.append((phase, done, total))


def test_import_reports_read_validate_and_write_in_turn(
    wh: Warehouse, write_csv: Callable[..., Path]
) -> None:
    calls, progress = recorder()
    report = ingest_file(wh, "org_units", write_csv(ORGS_CSV), key=KEY, progress=progress)
    assert report.status == "committed"
    read, validate, write = PHASES
    assert calls == [
        (read, 0, 1),
        (read, 1, 1),
        (validate, 0, 1),
        (validate, 1, 1),
        (write, 0, 1),
        (write, 1, 1),
    ]


def test_rejected_import_never_starts_writing(
    wh: Warehouse, write_csv: Callable[..., Path]
) -> None:
    calls, progress = recorder()
    bad = write_csv("org_id,kind,name\nC1,nowhere,某县\n")
    assert ingest_file(wh, "org_units", bad, key=KEY, progress=progress).status == "rejected"
    assert [c[0] for c in calls] == [PHASES[0], PHASES[0], PHASES[1]]


def test_progress_bar_draws_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(console_mod, "console", Console(file=out, force_terminal=True, width=80))
    with console_mod.progress_bar() as bar:
        bar("校验 validate", 1, 1)
    assert "校验 validate" in out.getvalue() and "1/1" in out.getvalue()


def test_progress_bar_is_silent_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(console_mod, "console", Console(file=out, force_terminal=False))
    with console_mod.progress_bar() as bar:
        bar("校验 validate", 1, 1)
    assert out.getvalue() == ""


def test_import_command_output_has_no_progress_bar_when_captured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_csv: Callable[..., Path]
) -> None:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("YIGAI_PSEUDONYM_KEY", "cli-test-key")
    result = CliRunner().invoke(app, ["import", "org_units", str(write_csv(ORGS_CSV))])
    assert result.exit_code == 0, result.output
    assert "已导入" in result.output
    assert not any(phase in result.output for phase in PHASES)

"""``yigai synth`` through Typer's runner."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from yigai.synth.commands import synth


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(synth)
    return app


def test_synth_command_fills_the_warehouse_and_prints_counts(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["--residents", "1200", "--years", "2025", "--home", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "就诊记录" in result.output
    assert (tmp_path / "warehouse" / "encounters").is_dir()


def test_synth_command_rejects_a_bad_config_bilingually(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["--residents", "10", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "每县居民数至少为 1000" in result.output
    assert "at least 1000" in result.output

"""``yigai targets load FILE`` and ``yigai targets list`` through Typer's runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from yigai.console import console
from yigai.deployment.targets_commands import app

runner = CliRunner()


def test_load_keeps_a_checked_copy_and_list_shows_it_for_its_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path))
    monkeypatch.setattr(console, "width", 200)
    own = tmp_path / "k1_2025.yaml"
    own.write_text(
        "targets:\n  - {indicator: drug_share, scope: '*', value: 33, comparison: below,"
        " deadline: 2025-12-31, source: 本县}\n",
        encoding="utf-8",
    )
    loaded = runner.invoke(app, ["load", str(own)])
    assert loaded.exit_code == 0, loaded.output
    assert (tmp_path / "targets" / "k1_2025.yaml").is_file()
    (tmp_path / "deployment.yaml").write_text(
        "id: k\nname: 本县\ngoverns:\n  - {units: [K1], targets: [k1_2025]}\n", encoding="utf-8"
    )
    listed = runner.invoke(app, ["list", "--unit", "K1"])
    assert listed.exit_code == 0, listed.output
    assert "k1_2025" in listed.output and "33" in listed.output


def test_load_refuses_a_bad_file_with_exit_code_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path))
    bad = tmp_path / "bad.yaml"
    bad.write_text("targets:\n  - {indicator: nope}\n", encoding="utf-8")
    result = runner.invoke(app, ["load", str(bad)])
    assert result.exit_code == 1
    assert "bad.yaml" in result.output and not (tmp_path / "targets").exists()

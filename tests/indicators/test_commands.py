"""``yigai indicators`` commands, run through Typer's runner on the fixture region."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import region
from yigai.indicators import commands

runner = CliRunner()


def test_list_shows_the_catalogue() -> None:
    result = runner.invoke(commands.app, ["list"])
    assert result.exit_code == 0, result.output
    assert "drug_share" in result.output


def test_compute_writes_the_result_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "open_source", region)
    out = tmp_path / "r.parquet"
    result = runner.invoke(
        commands.app, ["compute", "202503", "-i", "drug_share", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert set(table["indicator_id"].to_pylist()) == {"drug_share"}
    assert "T1" in table["org_id"].to_pylist()


def test_compute_rejects_a_bad_period() -> None:
    result = runner.invoke(commands.app, ["compute", "2025M3"])
    assert result.exit_code != 0
    assert "invalid period" in result.output

"""The ``yigai`` entry point: refusals end with their message and exit code 1."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.warehouse.conftest import KEY, ORGS_CSV, RESIDENTS_CSV

from yigai import cli
from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import ingest_file


def test_a_user_without_a_grant_gets_the_refusal_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`indicators compute` hands the record sets' files to DuckDB: that needs a grant."""
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    wh = Warehouse(tmp_path / "warehouse")  # created by the current user, its administrator
    for name, text in (("org_units", ORGS_CSV), ("residents", RESIDENTS_CSV)):
        path = tmp_path / f"{name}.csv"
        path.write_text("\n".join(line.strip() for line in text.strip().splitlines()) + "\n")
        assert ingest_file(wh, name, path, key=KEY).status == "committed"
    monkeypatch.setenv("YIGAI_USER", "stranger")
    out_file = tmp_path / "out.parquet"
    monkeypatch.setattr(
        sys, "argv", ["yigai", "indicators", "compute", "2025", "-o", str(out_file)]
    )
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "stranger" in out and "yigai warehouse grant" in out
    assert "Traceback" not in out and not out_file.exists()

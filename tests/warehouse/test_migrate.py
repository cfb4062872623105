"""``yigai warehouse migrate`` (issue 18 §2): a warehouse with its own commit log becomes Delta
tables holding the same batches and rows, tested on a synthetic (demo) county.

The old layout is rebuilt from a Delta warehouse exactly as the old store wrote it: the same
Parquet files, one ``_log/<seq>-<batch>.json`` entry per batch, no Delta log.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from yigai.records import schemas
from yigai.synth import SynthConfig, generate
from yigai.warehouse import Warehouse, WarehouseError, migrate, tables
from yigai.warehouse.errors import CorruptLogError


def _to_legacy(root: Path) -> None:
    wh = Warehouse(root)
    log = root / "_log"
    log.mkdir()
    for b in wh.batches():
        (log / f"{b.seq:010d}-{b.id}.json").write_text(json.dumps(b.to_json()), encoding="utf-8")
    for rs in schemas.ALL:
        shutil.rmtree(root / rs.name / tables.DELTA_LOG, ignore_errors=True)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Delta warehouse holding a small synthetic county."""
    root = tmp_path_factory.mktemp("county") / "warehouse"
    generate(Warehouse(root), SynthConfig(residents_per_county=1000, years=(2025,)), key=b"k")
    return root


@pytest.fixture
def legacy(county: Path, tmp_path: Path) -> Path:
    root = tmp_path / "home" / "warehouse"
    shutil.copytree(county, root)
    _to_legacy(root)
    return root


def _contents(wh: Warehouse) -> tuple[list[object], dict[str, pa.Table]]:
    batches = [
        (b.id, b.record_set, b.seq, b.rows, b.months, b.files, b.committed_at) for b in wh.batches()
    ]
    return batches, {rs.name: wh.read(rs.name) for rs in schemas.ALL}


def test_an_old_warehouse_is_refused_until_it_is_migrated(legacy: Path) -> None:
    with pytest.raises(WarehouseError, match="yigai warehouse migrate"):
        Warehouse(legacy)


def test_migration_keeps_every_batch_and_every_row(county: Path, legacy: Path) -> None:
    done = migrate.migrate(legacy)
    assert done.converted == len(Warehouse(county).batches()) and done.skipped == 0
    assert not (legacy / "_log").exists()
    before_batches, before_rows = _contents(Warehouse(county))
    after_batches, after_rows = _contents(Warehouse(legacy))
    assert after_batches == before_batches
    for name, table in before_rows.items():
        assert after_rows[name].equals(table), name


def test_a_migration_stopped_half_way_completes_when_run_again(
    county: Path, legacy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = migrate._convert
    calls: list[str] = []

    def stop_after_two(root: Path, batch: object) -> None:
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append("x")
        real(root, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "_convert", stop_after_two)
    with pytest.raises(KeyboardInterrupt):
        migrate.migrate(legacy)
    assert (legacy / "_log").is_dir()
    monkeypatch.undo()
    done = migrate.migrate(legacy)
    assert done.skipped == 2
    assert _contents(Warehouse(legacy))[0] == _contents(Warehouse(county))[0]


def test_a_batch_whose_file_is_missing_stops_the_migration_and_keeps_the_log(
    legacy: Path,
) -> None:
    entry = sorted((legacy / "_log").glob("*.json"))[0]
    (rel,) = json.loads(entry.read_text(encoding="utf-8"))["files"][:1]
    (legacy / rel).unlink()
    with pytest.raises(CorruptLogError, match=rel.split("/")[-1]):
        migrate.migrate(legacy)
    assert entry.exists()


def _yigai(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "YIGAI_HOME": str(home), "YIGAI_USER": "admin", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "yigai.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_commands_exit_0_in_real_processes_after_migrating(legacy: Path) -> None:
    home = legacy.parent
    refused = _yigai(home, "warehouse", "batches")
    assert refused.returncode == 1 and "yigai warehouse migrate" in refused.stdout + refused.stderr
    for args in (("warehouse", "migrate"), ("warehouse", "batches"), ("warehouse", "vacuum")):
        done = _yigai(home, *args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        assert "terminate called" not in done.stderr
    snap = _yigai(home, "warehouse", "snapshot")
    assert snap.returncode == 0, snap.stderr
    assert json.loads(snap.stdout) == Warehouse(legacy).snapshot().to_json()

"""The warehouse's Delta Lake tables (issue 18 §2): a kill leaves no partial rows, writers
that race land both, and reads as of a snapshot see exactly that snapshot.

Real processes: a kill and a race between writers are about processes, which threads would
not show.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from yigai.warehouse import Warehouse, WarehouseError, store, tables

from .test_store import followups, orgs

ROWS = 60_000

WRITE = textwrap.dedent(
    """
    import sys
    import pyarrow as pa
    from yigai.warehouse import Warehouse, store
    root, batch, rows, no_lock = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    store.FILE_ROWS = 2_000  # many files: a kill lands between two of them
    wh = Warehouse(root)
    if no_lock:  # two hosts: only Delta's own conflict check stands between the writers
        import contextlib
        wh.lock = contextlib.nullcontext
    ids = [f"{batch}-{i:06d}" for i in range(rows)]
    schema = store.schemas.ORG_UNITS.arrow_schema()
    data = {n: pa.nulls(rows, schema.field(n).type) for n in schema.names}
    data.update(org_id=pa.array(ids), kind=pa.array(["county"] * rows), name=pa.array(ids))
    print("writing", flush=True)
    wh.commit("org_units", pa.table(data), batch, "test")
    print("committed", flush=True)
    """
)


def _writer(root: Path, batch: str, rows: int, *, no_lock: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITE, str(root), batch, str(rows), "1" if no_lock else "0"],
        env={**os.environ, "YIGAI_USER": "admin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_writer_killed_at_any_moment_leaves_all_of_its_batch_or_none(tmp_path: Path) -> None:
    root = tmp_path / "wh"
    Warehouse(root).commit("org_units", orgs("kept"), "kept", "test")
    outcomes = set()
    for i, delay in enumerate((0.0, 0.4, 0.8, 1.3, 2.0, 3.0)):
        proc = _writer(root, f"k{i}", ROWS)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "writing", proc.communicate()
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        wh = Warehouse(root)
        rows = wh.read("org_units", columns=["org_id"])["org_id"].to_pylist()
        mine = sum(1 for r in rows if r.startswith(f"k{i}-"))
        assert mine in (0, ROWS), f"kill after {delay} s left {mine} of {ROWS} rows"
        assert wh.has_batch(f"k{i}") == (mine == ROWS)
        assert "kept" in rows
        outcomes.add(mine == ROWS)
    assert False in outcomes  # at least one kill landed before the commit
    wh = Warehouse(root)
    wh.vacuum()
    assert {p.stem.split("-")[0] for p in (root / "org_units" / "all").glob("*.parquet")} == {
        b.id for b in wh.batches()
    }


def test_two_writers_racing_without_the_lock_both_land(tmp_path: Path) -> None:
    root = tmp_path / "wh"
    Warehouse(root).commit("org_units", orgs("first"), "first", "test")
    procs = [_writer(root, name, 5_000, no_lock=True) for name in ("A", "B")]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    wh = Warehouse(root)
    assert wh.read("org_units").num_rows == 1 + 2 * 5_000
    assert {b.id for b in wh.batches()} == {"first", "A", "B"}


def test_a_warehouse_in_a_folder_named_in_chinese_with_spaces_reads_back(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "某县 数据" / "wh")
    wh.commit("org_units", orgs("a", "b"), "b1", "test")
    assert [p.exists() for p in wh.files("org_units")] == [True]
    assert wh.read("org_units").num_rows == 2


def test_vacuum_of_a_warehouse_opened_by_a_relative_path_keeps_committed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    wh = Warehouse(Path("wh"))
    wh.commit("org_units", orgs("a", "b"), "b1", "test")
    assert wh.vacuum() == []
    assert wh.files("org_units") == [Path("wh/org_units/all/b1-0.parquet")]
    assert wh.read("org_units").num_rows == 2


def test_a_read_as_of_a_snapshot_ignores_later_batches(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "b1", "test")
    then = wh.snapshot()
    before = wh.read("org_units")
    wh.commit("org_units", orgs("b"), "b2", "test")
    wh.commit("followups", followups([dt.date(2025, 1, 1)]), "f1", "test")
    old = wh.at(then)
    assert old.read("org_units").equals(before)
    assert old.read("followups").num_rows == 0
    assert [b.id for b in old.batches()] == ["b1"]
    assert wh.read("org_units").num_rows == 2


def test_a_snapshot_round_trips_through_json(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "b1", "test")
    snap = wh.snapshot()
    assert store.Snapshot.from_json(snap.to_json()) == snap
    assert snap.to_json() == {"org_units": wh.batch("b1").version}  # type: ignore[union-attr]


def test_a_view_as_of_a_snapshot_is_read_only(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "b1", "test")
    with pytest.raises(WarehouseError, match="只读"):
        wh.at(wh.snapshot()).commit("org_units", orgs("b"), "b2", "test")


def test_a_snapshot_of_a_version_not_yet_written_is_refused(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "b1", "test")
    with pytest.raises(WarehouseError, match="没有版本 99"):
        wh.at({"org_units": 99})


def test_a_column_the_record_set_gained_since_is_added_to_its_table(wh: Warehouse) -> None:
    full = store.schemas.ORG_UNITS.arrow_schema()
    older = pa.schema([f for f in full if f.name != "beds"])  # as the table was first made
    path = wh.root / "org_units" / "all" / "old-0.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(orgs("a").select(older.names).cast(older), path)
    batch = store.Batch(
        "old",
        "org_units",
        "test",
        1,
        {0: 1},
        ("org_units/all/old-0.parquet",),
        dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        1,
    )
    meta = {tables.BATCH_ID_KEY: "old", tables.BATCH_KEY: json.dumps(batch.to_json())}
    stat = tables.stats(1, None)
    tables.append(
        wh.root / "org_units",
        older,
        [tables.DataFile("all/old-0.parquet", path.stat().st_size, stat)],
        meta,
    )
    wh.commit("org_units", orgs("b"), "new", "test")
    assert "beds" in DeltaTable(wh.root / "org_units").schema().to_arrow().names
    assert wh.read("org_units", columns=["org_id", "beds"]).to_pylist() == [
        {"org_id": "a", "beds": None},
        {"org_id": "b", "beds": None},
    ]

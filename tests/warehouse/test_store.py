"""The warehouse of Delta Lake tables (yigai.warehouse.store).

Source of the rules: docs/CONTRACTS.md “Warehouse API” and the task brief (items 1–3 of “the
spine”): files become visible only through a committed log entry; a crash leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.records import schemas
from yigai.warehouse import LockHeldError, Warehouse, store
from yigai.warehouse.errors import SchemaMismatchError


def orgs(*ids: str) -> pa.Table:
    schema = schemas.ORG_UNITS.arrow_schema()
    n = len(ids)
    data = {name: pa.nulls(n, schema.field(name).type) for name in schema.names}
    data.update(org_id=pa.array(ids), kind=pa.array(["county"] * n), name=pa.array(ids))
    return pa.table(data)


def followups(dates: list[dt.date], ids: list[str] | None = None) -> pa.Table:
    schema = schemas.FOLLOWUPS.arrow_schema()
    n = len(dates)
    data = {name: pa.nulls(n, schema.field(name).type) for name in schema.names if name != "month"}
    data.update(
        followup_id=pa.array(ids or [f"F{i}" for i in range(n)]),
        case_id=pa.array(["K"] * n),
        person_id=pa.array(["0" * 32] * n),
        disease=pa.array(["hypertension"] * n),
        institution_id=pa.array(["T1"] * n),
        followup_date=pa.array(dates, pa.date32()),
        mode=pa.array(["clinic"] * n),
        classification=pa.array(["controlled"] * n),
        action=pa.array(["continue"] * n),
    )
    return pa.table(data)


def test_read_of_empty_record_set_has_the_stored_schema(wh: Warehouse) -> None:
    table = wh.read("encounters")
    assert table.num_rows == 0
    assert table.schema == schemas.ENCOUNTERS.arrow_schema()


def test_committed_rows_read_back_with_exact_schema(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("b", "a"), "b1", "test")
    table = wh.read("org_units")
    assert table.schema == schemas.ORG_UNITS.arrow_schema()
    assert sorted(table["org_id"].to_pylist()) == ["a", "b"]


def test_written_file_is_sorted_by_key(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("c", "a", "b"), "b1", "test")
    (path,) = wh.files("org_units")
    assert pq.read_table(path)["org_id"].to_pylist() == ["a", "b", "c"]


def test_registry_files_live_under_all(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "b1", "test")
    (path,) = wh.files("org_units")
    assert path.relative_to(wh.root).as_posix() == "org_units/all/b1-0.parquet"


def test_partitioned_batch_is_split_by_month_and_adds_month_column(wh: Warehouse) -> None:
    days = [dt.date(2025, 1, 31), dt.date(2025, 3, 1), dt.date(2025, 1, 2)]
    batch = wh.commit("followups", followups(days), "b1", "test")
    assert batch.months == {202501: 2, 202503: 1}
    rel = sorted(p.relative_to(wh.root).as_posix() for p in wh.files("followups"))
    assert rel == ["followups/month=202501/b1-0.parquet", "followups/month=202503/b1-1.parquet"]
    assert sorted(wh.read("followups")["month"].to_pylist()) == [202501, 202501, 202503]


def test_files_and_read_filter_by_month(wh: Warehouse) -> None:
    days = [dt.date(2025, 1, 31), dt.date(2025, 3, 1)]
    wh.commit("followups", followups(days), "b1", "test")
    assert len(wh.files("followups", months=[202503])) == 1
    assert wh.read("followups", months=["202503"])["followup_id"].to_pylist() == ["F1"]
    assert wh.read("followups", months=[202502]).num_rows == 0


def test_read_selected_columns_in_given_order(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "b1", "test")
    table = wh.read("org_units", columns=["name", "org_id"])
    assert table.column_names == ["name", "org_id"]


def test_batches_lists_committed_batches_in_order(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "first", "s1")
    wh.commit("org_units", orgs("b"), "second", "s2")
    wh.commit("followups", followups([dt.date(2025, 1, 1)]), "third", "s3")
    assert [b.id for b in wh.batches()] == ["first", "second", "third"]
    assert [b.id for b in wh.batches("org_units")] == ["first", "second"]
    assert [b.seq for b in wh.batches()] == [1, 2, 3]
    assert wh.has_batch("second") and not wh.has_batch("fourth")


def test_commit_metadata_records_batch_id_files_source_rows_and_time(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a", "b"), "b1", "his-export.csv")
    (entry,) = [e for e in DeltaTable(wh.root / "org_units").history() if "yigai.batch" in e]
    data = json.loads(entry["yigai.batch"])
    assert entry["yigai.batch_id"] == data["batch_id"] == "b1"
    assert data["record_set"] == "org_units"
    assert data["source"] == "his-export.csv"
    assert data["rows"] == 2
    assert data["files"] == ["org_units/all/b1-0.parquet"]
    assert dt.datetime.fromisoformat(data["committed_at"]).tzinfo is not None


def test_the_table_is_a_delta_table_other_readers_see(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a", "b"), "b1", "test")
    table = DeltaTable(wh.root / "org_units")
    assert sorted(pq.read_table(table.file_uris()[0])["org_id"].to_pylist()) == ["a", "b"]
    assert sorted(wh.read("org_units").column_names) == sorted(table.schema().to_arrow().names)


def test_committing_the_same_batch_twice_stores_it_once(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "b1", "test")
    wh.commit("org_units", orgs("a"), "b1", "test")
    assert wh.read("org_units").num_rows == 1
    assert len(wh.batches()) == 1


def test_commit_rejects_a_table_with_missing_columns(wh: Warehouse) -> None:
    with pytest.raises(SchemaMismatchError, match="缺少"):
        wh.commit("org_units", orgs("a").drop_columns(["kind"]), "b1", "test")


def test_commit_rejects_nulls_in_required_columns(wh: Warehouse) -> None:
    table = orgs("a")
    table = table.set_column(table.schema.get_field_index("kind"), "kind", pa.nulls(1, pa.string()))
    with pytest.raises(SchemaMismatchError, match="kind"):
        wh.commit("org_units", table, "b1", "test")


def test_crash_between_file_writes_leaves_nothing_visible(wh: Warehouse, monkeypatch) -> None:
    wh.commit("followups", followups([dt.date(2024, 12, 1)], ["OLD"]), "old", "test")
    before = wh.read("followups")
    real_write = store._write_file
    calls = []

    def fail_on_second(path: Path, table: pa.Table) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        real_write(path, table)

    monkeypatch.setattr(store, "WRITE_THREADS", 1)
    monkeypatch.setattr(store, "_write_file", fail_on_second)
    days = [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)]
    with pytest.raises(OSError, match="disk full"):
        wh.commit("followups", followups(days), "new", "test")
    assert wh.read("followups").equals(before)
    assert not wh.has_batch("new")


def test_crash_before_the_delta_commit_leaves_prior_data_and_vacuum_removes_orphans(
    wh: Warehouse, monkeypatch
) -> None:
    wh.commit("org_units", orgs("a"), "old", "test")
    before = wh.read("org_units")

    def crash(*args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "_write_commit", crash)
    with pytest.raises(KeyboardInterrupt):
        wh.commit("org_units", orgs("b", "c"), "new", "test")
    orphan = wh.root / "org_units" / "all" / "new-0.parquet"
    assert orphan.exists()
    assert wh.read("org_units").equals(before)
    assert wh.files("org_units") == [wh.root / "org_units/all/old-0.parquet"]
    assert wh.vacuum() == [orphan]
    assert not orphan.exists()
    assert wh.read("org_units").equals(before)


def test_vacuum_keeps_committed_files(wh: Warehouse) -> None:
    wh.commit("followups", followups([dt.date(2025, 1, 1)]), "b1", "test")
    assert wh.vacuum() == []
    assert wh.read("followups").num_rows == 1


def test_lock_held_past_the_wait_is_a_clear_error(wh: Warehouse, capsys) -> None:
    other = Warehouse(wh.root, lock_timeout=0.3)
    with wh.lock(), pytest.raises(LockHeldError, match=f"进程 {os.getpid()}.*0.3 秒后仍未释放"):
        other.commit("org_units", orgs("a"), "b1", "test")
    assert capsys.readouterr().err.count(f"warehouse busy (pid {os.getpid()}), waiting") == 1
    assert not other.has_batch("b1")


def test_lock_is_released_after_commit(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "b1", "test")
    assert not (wh.root / "_lock").exists()
    Warehouse(wh.root).commit("org_units", orgs("b"), "b2", "test")


def test_stale_lock_of_a_dead_process_is_taken_over(wh: Warehouse) -> None:
    import socket
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (wh.root / "_lock").write_text(f"{dead.stdout.strip()} {socket.gethostname()} then\n")
    wh.commit("org_units", orgs("a"), "b1", "test")
    assert wh.has_batch("b1")


def test_other_readers_see_new_batches(wh: Warehouse) -> None:
    reader = Warehouse(wh.root)
    assert reader.read("org_units").num_rows == 0
    wh.commit("org_units", orgs("a"), "b1", "test")
    assert reader.read("org_units").num_rows == 1


def test_large_month_is_split_into_several_files(wh: Warehouse, monkeypatch) -> None:
    monkeypatch.setattr(store, "FILE_ROWS", 2)
    wh.commit("org_units", orgs("a", "b", "c", "d", "e"), "b1", "test")
    assert len(wh.files("org_units")) == 3
    assert wh.read("org_units").num_rows == 5


def test_batch_id_with_path_characters_is_refused(wh: Warehouse) -> None:
    with pytest.raises(Exception, match="批次号无效"):
        wh.commit("org_units", orgs("a"), "../x", "test")


def test_vacuum_removes_temporary_commit_files_delta_rs_left(wh: Warehouse) -> None:
    wh.commit("org_units", orgs("a"), "b1", "test")
    tmp = wh.root / "org_units" / "_delta_log" / "_commit_x.json.tmp"
    tmp.write_text("{", encoding="utf-8")
    assert [b.id for b in wh.batches()] == ["b1"]
    assert wh.vacuum() == [tmp]
    assert wh.read("org_units").num_rows == 1


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.lists(st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)), min_size=1, max_size=8),
        min_size=1,
        max_size=4,
    )
)
def test_each_month_reads_back_exactly_its_rows(batches: list[list[dt.date]]) -> None:
    """Over any sequence of batches, reading month m returns exactly the rows dated in m."""
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(tmp)
        expected: dict[int, set[str]] = {}
        for b, days in enumerate(batches):
            ids = [f"B{b}-{i}" for i in range(len(days))]
            wh.commit("followups", followups(days, ids), f"batch{b}", "prop")
            for fid, day in zip(ids, days, strict=True):
                expected.setdefault(day.year * 100 + day.month, set()).add(fid)
        for month, ids in expected.items():
            assert set(wh.read("followups", months=[month])["followup_id"].to_pylist()) == ids
        assert wh.read("followups").num_rows == sum(len(d) for d in batches)


def test_a_batch_past_a_wave_is_written_in_waves_with_the_same_files_and_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Months are gathered and written a wave at a time; files, names and rows in key order
    are what one wave gives."""
    days = [dt.date(2025, m, d) for m in (3, 1, 2, 1, 3, 2, 1) for d in (9, 4)]
    ids = [f"F{i:02d}" for i in range(len(days))][::-1]
    monkeypatch.setattr(store, "FILE_ROWS", 3)
    out = {}
    for wave in (3, 10_000):
        monkeypatch.setattr(store, "WAVE_ROWS", wave)
        wh = Warehouse(tmp_path / f"wave-{wave}")
        batch = wh.commit("followups", followups(days, ids), "b1", "test")
        out[wave] = (batch.files, batch.months, wh.read("followups")["followup_id"].to_pylist())
    assert out[3] == out[10_000]
    files, months, read = out[3]
    assert months == {202501: 6, 202502: 4, 202503: 4}
    assert len(files) == 6  # 3 + 3 in January, 3 + 1 in each of February and March
    january = sorted(i for i, d in zip(ids, days, strict=True) if d.month == 1)
    assert read[:6] == january

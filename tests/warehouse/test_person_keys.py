"""Integer person keys (yigai.warehouse.person_keys): assigned when a batch is stored, one per
pseudonym in every batch and record set, and given by ``yigai warehouse migrate`` to rows
stored before they existed (issue 18 §1: the engine joins on them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from yigai.records import schemas
from yigai.records.fields import PERSON_KEY, RecordSet
from yigai.warehouse import Warehouse, migrate, person_keys

A, B, C = "a" * 32, "b" * 32, "c" * 32


def followups(people: list[str], first: int = 0, day: dt.date = dt.date(2025, 3, 1)) -> pa.Table:
    schema = schemas.FOLLOWUPS.arrow_schema()
    n = len(people)
    data = {name: pa.nulls(n, schema.field(name).type) for name in schema.names if name != "month"}
    data.update(
        followup_id=pa.array([f"F{first + i}" for i in range(n)]),
        case_id=pa.array(["K"] * n),
        person_id=pa.array(people),
        disease=pa.array(["hypertension"] * n),
        institution_id=pa.array(["T1"] * n),
        followup_date=pa.array([day] * n, pa.date32()),
        mode=pa.array(["clinic"] * n),
        classification=pa.array(["controlled"] * n),
        action=pa.array(["continue"] * n),
    )
    return pa.table(data)


def _keys(wh: Warehouse, name: str = "followups") -> dict[str, set[int]]:
    t = wh.read(name, columns=["person_id", PERSON_KEY])
    out: dict[str, set[int]] = {}
    for pid, key in zip(t["person_id"].to_pylist(), t[PERSON_KEY].to_pylist(), strict=True):
        out.setdefault(pid, set()).add(key)
    return out


def test_one_pseudonym_has_one_key_across_batches(wh: Warehouse) -> None:
    wh.commit("followups", followups([B, A, B]), "b1", "test")
    wh.commit("followups", followups([C, A], first=10, day=dt.date(2025, 4, 1)), "b2", "test")
    keys = _keys(wh)
    assert keys == {A: {1}, B: {2}, C: {3}}  # new pseudonyms of a batch in sorted order


def test_a_key_given_with_the_rows_is_replaced_by_the_warehouses(wh: Warehouse) -> None:
    wh.commit("followups", followups([A]), "b1", "test")
    given = followups([A], first=5)
    given = given.set_column(
        given.schema.get_field_index(PERSON_KEY), PERSON_KEY, pa.array([99], pa.int64())
    )
    wh.commit("followups", given, "b2", "test")
    assert _keys(wh) == {A: {1}}


def test_committing_a_batch_again_assigns_no_key(wh: Warehouse) -> None:
    wh.commit("followups", followups([A, B]), "b1", "test")
    before = person_keys.load(wh.root).table
    wh.commit("followups", followups([C]), "b1", "test")  # same batch id: already stored
    assert person_keys.load(wh.root).table.equals(before)


def _unkeyed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Store as the warehouse did before person keys: no ``person_key`` anywhere."""
    monkeypatch.setattr(RecordSet, "keyed_by_person", property(lambda self: False))


def test_migrate_gives_keys_to_files_stored_before_them(
    wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        _unkeyed(m)
        wh.commit("followups", followups([B, A]), "b1", "test")
    old_files = Warehouse(wh.root).files("followups")
    assert PERSON_KEY not in pq.read_schema(old_files[0]).names
    before = Warehouse(wh.root).snapshot()
    wh.commit("followups", followups([C, A], first=10), "b2", "test")  # stored with keys

    done = migrate.migrate(wh.root)

    fresh = Warehouse(wh.root)
    assert done.keyed == 1
    assert all(PERSON_KEY in pq.read_schema(p).names for p in fresh.files("followups"))
    assert _keys(fresh) == {A: {1}, B: {3}, C: {2}}
    assert fresh.read("followups", columns=["followup_id"])["followup_id"].to_pylist() == [
        "F0",
        "F1",
        "F10",
        "F11",
    ]  # the rewritten batch keeps its place
    fresh.vacuum()  # the replaced file is still named by the version before the migration
    old = fresh.at(before).read("followups", columns=["followup_id"])
    assert old["followup_id"].to_pylist() == ["F0", "F1"]
    assert migrate.migrate(wh.root).keyed == 0  # run again: nothing left to do


def test_keys_map_new_pseudonyms_after_the_known_ones() -> None:
    grown, keys = person_keys.KeyMap.empty().keys_of(pa.array([B, A, None]))
    assert grown.to_pylist() == [2, 1, None]
    again, same = keys.keys_of(pa.chunked_array([[C], [A, B]]))
    assert again.to_pylist() == [3, 1, 2]
    assert pc.max(same.table[PERSON_KEY]).as_py() == 3


def test_the_map_file_is_owner_only(wh: Warehouse) -> None:
    wh.commit("followups", followups([A]), "b1", "test")
    path: Path = wh.root / person_keys.MAP_FILE
    assert path.stat().st_mode & 0o777 == 0o600


def test_keys_are_found_whichever_scan_block_holds_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The map is searched a block at a time from its newest rows: keys in old, new and
    several blocks, repeated ids and nulls all come out as a whole-map look-up gives them."""
    monkeypatch.setattr(person_keys, "SCAN_BLOCK", 2)
    ids = [f"{i:032x}" for i in range(7)]
    _, keys = person_keys.KeyMap.empty().keys_of(pa.array(ids))
    asked = [ids[6], None, ids[0], ids[3], ids[0], "f" * 32]
    got, grown = keys.keys_of(pa.array(asked))
    assert got.to_pylist() == [7, None, 1, 4, 1, 8]
    assert grown.table.num_rows == 8


def test_an_unchanged_map_file_is_read_once(wh: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer storing batch after batch reuses the map it saved (10 million rows cost
    seconds to read) instead of reading the file back."""
    wh.commit("followups", followups([A]), "b1", "test")
    reads: list[object] = []
    real = pq.read_table
    monkeypatch.setattr(pq, "read_table", lambda *a, **k: reads.append(a) or real(*a, **k))
    wh.commit("followups", followups([A, B], first=1), "b2", "test")
    assert person_keys.load(wh.root).table.num_rows == 2
    assert not [a for a in reads if person_keys.MAP_FILE.name in str(a[0])]

"""Reading back the claims a settlement stored (:func:`yigai.policy.stored_claims.read_stored`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from yigai.policy.stored_claims import read_stored
from yigai.warehouse import Warehouse

from .test_claims import _row


def _stored(tmp_path: Path) -> Warehouse:
    """Claims e1 and e2 of one region and e3 of another, in two batches over two months."""
    wh = Warehouse(tmp_path / "wh")
    first = pa.concat_tables(
        [_row(encounter_id="e1"), _row(encounter_id="e2", event_date=dt.date(2024, 4, 2))]
    )
    wh.commit("claims", first, "settle-a", "test")
    wh.commit("claims", _row(encounter_id="e3", scheme_region="other"), "settle-b", "test")
    return wh


def test_only_the_claims_asked_for_come_back_one_chunk_a_column(tmp_path: Path) -> None:
    stored = read_stored(_stored(tmp_path), 2024, pa.chunked_array([["e2", "e1"]]))
    assert sorted(stored["encounter_id"].to_pylist()) == ["e1", "e2"]
    assert all(stored[name].num_chunks == 1 for name in stored.column_names)


def test_all_the_years_claims_come_back_whole_when_all_are_asked_for(tmp_path: Path) -> None:
    wh = _stored(tmp_path)
    stored = read_stored(wh, 2024, pa.chunked_array([["e1", "e2", "e3"]]))
    assert stored.schema == wh.read("claims").schema
    assert stored.sort_by("encounter_id").equals(wh.read("claims").sort_by("encounter_id"))

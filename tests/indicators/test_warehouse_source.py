"""The real warehouse plugs into the engine through ``files()`` (CONTRACTS.md seams)."""

from __future__ import annotations

from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import PERIODS, region
from yigai.indicators import compute, views
from yigai.indicators.source import conform
from yigai.records.fields import PERSON_KEY, RecordSet
from yigai.warehouse import Warehouse, migrate

#: Periods of the unkeyed check (a quarter and the year: month joins are the same rule).
PERSON_KEY_PERIODS = ["2025Q1", "2025"]


def test_warehouse_gives_the_same_results_as_arrow_tables(
    tmp_path: Path, duckdb_result: pa.Table
) -> None:
    wh = Warehouse(tmp_path / "wh")
    _store(wh)
    assert compute(wh, PERIODS).equals(duckdb_result)


def _store(wh: Warehouse) -> None:
    for name, table in region().items():
        wh.commit(name, conform(table, name), f"fixture-{name}", source="tests")


def test_a_warehouse_stored_before_person_keys_gives_the_same_results(
    tmp_path: Path, duckdb_result: pa.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    wh = Warehouse(tmp_path / "wh")
    with monkeypatch.context() as m:  # as stored before person keys existed
        m.setattr(RecordSet, "keyed_by_person", property(lambda self: False))
        _store(wh)
    assert PERSON_KEY not in pq.read_schema(wh.files("encounters")[0]).names
    assert compute(wh, PERSON_KEY_PERIODS).equals(compute(region(), PERSON_KEY_PERIODS))
    assert migrate.migrate(wh.root).keyed > 0
    assert compute(Warehouse(wh.root), PERIODS).equals(duckdb_result)


def test_the_views_join_persons_on_the_integer_key() -> None:
    t = views.unbound_tables()
    for name in ("encounters", "residents"):
        sql = ibis.to_sql(views.build(name, t), dialect="duckdb")
        assert '"person_key" = ' in sql and '"person_id" = ' not in sql, name

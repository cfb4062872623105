"""DuckDB and Spark give identical result tables for the whole catalogue (one definition,
two engines; CONTRACTS.md "Indicator engine")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from conftest import PERIODS, region
from yigai.indicators import compute
from yigai.records import schemas
from yigai.warehouse import Warehouse

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


def test_spark_equals_duckdb_for_the_whole_catalogue(duckdb_result: pa.Table, spark: Any) -> None:
    on_spark = compute(region(), PERIODS, engine="spark", spark_session=spark)
    assert on_spark.num_rows == duckdb_result.num_rows > 250
    assert on_spark.equals(duckdb_result)


def test_spark_needs_a_session() -> None:
    with pytest.raises(ValueError, match="needs spark_session"):
        compute(region(), ["202503"], engine="spark")


def test_spark_and_duckdb_read_the_same_warehouse_snapshot(
    duckdb_result: pa.Table, spark: Any, tmp_path: Path
) -> None:
    """Both engines read one snapshot of the Delta warehouse (its file list); a batch
    committed after it changes neither result."""
    wh = Warehouse(tmp_path / "wh")
    tables = {name: _with_every_column(name, table) for name, table in region().items()}
    for name, table in tables.items():
        wh.commit(name, table, f"region-{name}", "test")
    snap = wh.at(wh.snapshot())
    wh.commit("encounters", tables["encounters"], "later", "test")  # every visit twice
    on_duckdb = compute(snap, PERIODS, engine="duckdb")
    on_spark = compute(snap, PERIODS, engine="spark", spark_session=spark)
    assert on_spark.equals(on_duckdb)
    assert on_duckdb.equals(duckdb_result)


def _with_every_column(name: str, table: pa.Table) -> pa.Table:
    """``table`` with the optional columns it leaves out, as nulls (as an import stores it)."""
    for f in schemas.get(name).arrow_schema():
        if f.name not in table.column_names and f.name != "month":
            table = table.append_column(f.name, pa.nulls(table.num_rows, f.type))
    return table


def test_reading_many_files_of_a_record_set_runs_no_spark_job(spark: Any, tmp_path: Path) -> None:
    """Past 32 paths Spark lists files with a job of one task per file (264 for a region's
    monthly chronic cases); the engine lists them on the driver instead."""
    import pyarrow.parquet as pq

    from yigai.indicators.engine import _connect_spark

    paths = []
    for month in range(40):
        paths.append(tmp_path / f"part-{month}.parquet")
        pq.write_table(schemas.get("chronic_cases").arrow_schema().empty_table(), paths[-1])
    tracker = spark.sparkContext.statusTracker()
    spark.sparkContext.setJobGroup("yigai-listing", "views of many files")
    try:
        tables = _connect_spark({"chronic_cases": paths}, spark)
    finally:
        spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)
    assert list(tables) == ["chronic_cases"]
    assert tracker.getJobIdsForGroup("yigai-listing") == []

"""The real warehouse plugs into the engine through ``files()`` (CONTRACTS.md seams)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from conftest import PERIODS, region
from yigai.indicators import compute
from yigai.indicators.source import conform
from yigai.warehouse import Warehouse


def test_warehouse_gives_the_same_results_as_arrow_tables(
    tmp_path: Path, duckdb_result: pa.Table
) -> None:
    wh = Warehouse(tmp_path / "wh")
    for name, table in region().items():
        wh.commit(name, conform(table, name), f"fixture-{name}", source="tests")
    assert compute(wh, PERIODS).equals(duckdb_result)

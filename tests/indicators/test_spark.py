"""DuckDB and Spark give identical result tables for the whole catalogue (one definition,
two engines; CONTRACTS.md "Indicator engine")."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from conftest import PERIODS, region
from yigai.indicators import compute

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


def test_spark_equals_duckdb_for_the_whole_catalogue(duckdb_result: pa.Table, spark: Any) -> None:
    on_spark = compute(region(), PERIODS, engine="spark", spark_session=spark)
    assert on_spark.num_rows == duckdb_result.num_rows > 250
    assert on_spark.equals(duckdb_result)


def test_spark_needs_a_session() -> None:
    with pytest.raises(ValueError, match="needs spark_session"):
        compute(region(), ["202503"], engine="spark")

"""The benchmarks still measure what they claim: both sides agree before any time counts.

No timing is asserted here (speed lives in benchmarks/results.md); these only keep the
benchmark code from rotting between `make bench` runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks import bench_adjudication
from benchmarks.run import bench_indicators

pytestmark = pytest.mark.xdist_group("benchmarks")


def test_engine_and_pandas_baseline_agree_on_a_small_county(tmp_path: Path) -> None:
    result = bench_indicators(5_000, tmp_path, repeat=1)  # raises if any count differs
    assert result["result_rows_compared"] > 100


def test_vectorised_and_scalar_adjudication_agree_in_the_benchmark() -> None:
    result = bench_adjudication.run(20_000, scalar_limit=5_000)
    assert result["equal"] is True and result["scalar_rows"] > 0

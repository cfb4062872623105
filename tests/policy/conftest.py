"""A small synthetic county settled on one process: the reference the Spark paths must
equal to the fen (tests/policy/test_spark_settle.py, tests/policy/test_spark_claims.py)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from yigai.policy.settle import settle_claims_explained
from yigai.synth import SynthConfig, generate
from yigai.warehouse import Warehouse

REGION = "hebei_wuji"


@pytest.fixture(scope="module")
def small_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder whose warehouse holds a 3,000-resident county's 2025 (both schemes,
    referrals, the uninsured)."""
    root = tmp_path_factory.mktemp("small-county")
    generate(
        Warehouse(root / "warehouse"),
        SynthConfig(residents_per_county=3000, years=(2025,), seed=7),
        key=b"test-spark-settle",
    )
    return root


@pytest.fixture(scope="module")
def small_county_claims(small_county: Path) -> tuple[pa.Table, list[tuple[str, str]]]:
    """Its 2025 claims and dropped encounters, settled on one process."""
    return settle_claims_explained(Warehouse(small_county / "warehouse"), 2025, REGION)


def assert_the_single_process_claims(
    got: tuple[pa.Table, list[tuple[str, str]]],
    expected: tuple[pa.Table, list[tuple[str, str]]],
) -> None:
    """``got`` (claims, dropped encounters of the small county, settled some other way) equal
    the single-process ones to the fen, on a county that exercises what a split by person must
    keep whole: both schemes, the uninsured, deductibles carried through a person's year."""
    claims, dropped = got
    assert claims.num_rows == expected[0].num_rows > 10_000
    assert claims.sort_by("encounter_id").equals(expected[0].sort_by("encounter_id"))
    assert dropped == expected[1]
    assert {reason for _, reason in dropped} >= {"uninsured"}
    assert set(claims["scheme_region"].to_pylist()) == {REGION, f"{REGION}_employee"}
    assert sum(claim > 0 for claim in claims["deductible_fen"].to_pylist()) > 100

"""Claims built and adjudicated on Spark workers (:mod:`yigai.policy.spark_claims`) are the
single-process claims to the fen, with the same dropped encounters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from yigai.policy import settle as settle_mod
from yigai.policy import spark_claims
from yigai.policy.spark_claims import GroupRecords, settle_on_spark
from yigai.records import schemas
from yigai.warehouse import Warehouse
from yigai.warehouse.audit import AUDIT_DIR

from .conftest import assert_the_single_process_claims
from .test_settle_referrals import LINKED, _warehouse

REGION = "hebei_wuji"


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_claims_built_on_workers_equal_the_single_process_claims_to_the_fen(
    small_county: Path, small_county_claims: tuple[pa.Table, list[tuple[str, str]]], spark: Any
) -> None:
    claims, dropped = settle_on_spark(
        spark, Warehouse(small_county / "warehouse"), 2025, REGION, buckets=8
    )
    assert_the_single_process_claims((claims, dropped), small_county_claims)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
@pytest.mark.parametrize(
    ("source_end", "names_source"), [(dt.date(2024, 3, 10), None), (dt.date(2024, 3, 11), "E1")]
)
def test_a_referred_admission_continues_its_stay_when_built_on_a_worker(
    tmp_path: Path, spark: Any, source_end: dt.date, names_source: str | None
) -> None:
    """The referral links are found inside a group: by the referring institution, and by the
    stay the referral names (discharged the day after the transfer)."""
    wh = _warehouse(tmp_path, source_end, names_source)
    claims, _ = settle_on_spark(spark, wh, 2024, "hubei_xiaogan", buckets=4)
    deductible = dict(
        zip(claims["encounter_id"].to_pylist(), claims["deductible_fen"].to_pylist(), strict=True)
    )
    assert deductible["E2"] == LINKED
    expected, _ = settle_mod.settle_claims_explained(wh, 2024, "hubei_xiaogan")
    assert claims.sort_by("encounter_id").equals(expected.sort_by("encounter_id"))


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_the_hand_over_folder_is_private_and_removed_and_the_files_read_are_audited(
    small_county: Path, spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modes: list[int] = []
    deal = spark_claims._deal

    def watched(files: Any, n: int, tmp: Path) -> list[str]:
        modes.append(tmp.stat().st_mode & 0o777)
        return deal(files, n, tmp)

    monkeypatch.setattr(spark_claims, "_deal", watched)
    settle_on_spark(spark, Warehouse(small_county / "warehouse"), 2025, REGION, workdir=tmp_path)
    assert modes == [0o700]
    assert list(tmp_path.iterdir()) == []
    entries = [
        json.loads(line)
        for path in (small_county / "warehouse" / AUDIT_DIR).glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    handed = {e["record_set"] for e in entries if "Spark" in (e.get("purpose") or "")}
    assert handed == {"encounters", "residents", "referrals"}


def test_a_group_without_a_record_set_reads_it_as_empty(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    table = GroupRecords(str(tmp_path), str(tmp_path / "shared")).read(
        "referrals", columns=["referral_id", "person_id"]
    )
    assert table.num_rows == 0
    assert table.schema == pa.schema(
        [schemas.get("referrals").arrow_schema().field(c) for c in ("referral_id", "person_id")]
    )

"""Settlement on Spark (:mod:`yigai.policy.spark_settle`) gives the single-process claims to
the fen, on a small synthetic county (both schemes, referral links, year-to-date trackers)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import typer
from typer.testing import CliRunner

from yigai.periods import Period
from yigai.policy import spark_settle
from yigai.policy.adjudication import ClaimError
from yigai.policy.claims import CLAIMS
from yigai.policy.commands import settle
from yigai.policy.settle import settle_claims_explained
from yigai.policy.spark_settle import (
    adjudicate_on_spark,
    bucket_count,
    person_buckets,
    spark_adjudicator,
)
from yigai.policy.vectorised import adjudicate_table
from yigai.warehouse import Warehouse

from .conftest import assert_the_single_process_claims

REGION = "hebei_wuji"


@pytest.fixture(scope="module")
def resident_claims(small_county: Path) -> pa.Table:
    """The 城乡居民 claim input settle.py builds for the county's year."""
    seen: dict[str, pa.Table] = {}

    def keep(table: pa.Table, region: str, *, root: Path | None = None) -> pa.Table:
        seen[region] = table
        return adjudicate_table(table, region, root=root)

    settle_claims_explained(Warehouse(small_county / "warehouse"), 2025, REGION, adjudicate=keep)
    return seen[REGION]


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_claims_equal_the_single_process_claims_to_the_fen(
    small_county: Path, small_county_claims: tuple[pa.Table, list[tuple[str, str]]], spark: Any
) -> None:
    claims, dropped = settle_claims_explained(
        Warehouse(small_county / "warehouse"), 2025, REGION, adjudicate=spark_adjudicator(spark, 8)
    )
    assert_the_single_process_claims((claims, dropped), small_county_claims)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_referral_links_between_a_persons_stays_survive_the_buckets(
    resident_claims: pa.Table, spark: Any
) -> None:
    linked = _linked_stays(resident_claims)
    assert linked["referred_from"].null_count < linked.num_rows - 10
    alone = adjudicate_table(resident_claims, REGION).sort_by("encounter_id")
    expected = adjudicate_table(linked, REGION).sort_by("encounter_id")
    assert not expected["deductible_fen"].equals(alone["deductible_fen"])  # links matter
    on_spark = adjudicate_on_spark(spark, linked, REGION, buckets=8)
    assert on_spark.sort_by("encounter_id").equals(expected)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_a_bad_claim_on_a_spark_worker_is_named_bilingually(spark: Any) -> None:
    table = _claims([("e1", "p1", 5000), ("e2", "p2", -1)])
    with pytest.raises(ValueError, match="encounter e2, column cost_total_fen") as caught:
        adjudicate_on_spark(spark, table, REGION)
    assert "费用不能为负" in str(caught.value)
    assert "Traceback" not in str(caught.value)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_an_encounter_id_of_two_persons_in_two_buckets_is_refused(spark: Any) -> None:
    table = _claims([("e1", "p1", 5000), ("e1", "p2", 3000)])
    # the two persons land in different groups, where no group alone sees the repeat
    buckets = person_buckets(table, 4)
    assert buckets[0] != buckets[1]
    with pytest.raises(ClaimError, match="e1"):
        adjudicate_on_spark(spark, table, REGION, buckets=4)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_settle_command_on_spark_stores_the_single_process_claims(
    small_county: Path,
    small_county_claims: tuple[pa.Table, list[tuple[str, str]]],
    spark: Any,
    tmp_path: Path,
) -> None:
    copy = tmp_path / "home"
    shutil.copytree(small_county / "warehouse", copy / "warehouse")
    result = CliRunner().invoke(
        _app(), ["--year", "2025", "--home", str(copy), "--engine", "spark"]
    )
    assert result.exit_code == 0, result.output
    stored = Warehouse(copy / "warehouse").read("claims", months=Period.year(2025).month_keys())
    # what the settlement computes; the warehouse adds the person key when it stores rows
    computed = [*(f.name for f in CLAIMS.fields), "month"]
    expected = small_county_claims[0].select(computed).sort_by("encounter_id")
    assert stored.select(computed).sort_by("encounter_id").equals(expected)


def test_settle_command_refuses_an_unknown_engine(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["--year", "2025", "--home", str(tmp_path), "--engine", "flink"]
    )
    assert result.exit_code == 1
    assert "未知引擎 'flink'" in result.output
    assert "unknown engine 'flink', choose local | spark" in result.output


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(settle)
    return app


def _linked_stays(claims: pa.Table) -> pa.Table:
    """``claims`` with each person's later stays referred within the community from their
    stay before (the synthetic county's referrals name no stay)."""
    frame = claims.to_pandas()
    stays = frame[frame["care_type"] == "inpatient"].sort_values(["person_id", "event_date"])
    before = stays.groupby("person_id")["encounter_id"].shift()
    linked = before.notna()
    frame.loc[before.index[linked], "referred_from"] = before[linked]
    frame.loc[before.index[linked], ["referred", "referral_in_community"]] = True
    at = claims.schema.get_field_index("referred_from")  # all null as built: no type
    schema = claims.schema.set(at, pa.field("referred_from", pa.string()))
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def _claims(rows: list[tuple[str, str, int]]) -> pa.Table:
    """Outpatient claims at an in-county township centre: (encounter, person, cost)."""
    n = len(rows)
    return pa.table(
        {
            "encounter_id": [r[0] for r in rows],
            "person_id": [r[1] for r in rows],
            "event_date": pa.array([dt.date(2025, 3, 1)] * n, pa.date32()),
            "care_type": ["outpatient"] * n,
            "level": ["township"] * n,
            "in_county": [True] * n,
            "cost_total_fen": pa.array([r[2] for r in rows], pa.int64()),
            "out_of_scope_fen": pa.array([0] * n, pa.int64()),
            "referred": [False] * n,
            "referred_from": pa.array([None] * n, pa.string()),
            "referral_in_community": [False] * n,
        }
    )


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_claims_go_in_one_group_per_core_and_more_past_the_group_size_limit(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cores = spark.sparkContext.defaultParallelism
    assert bucket_count(spark, 10_000) == cores
    monkeypatch.setattr(spark_settle, "BUCKET_ROWS", 1_000)
    assert bucket_count(spark, 10_000) == max(cores, 10)
    assert bucket_count(spark, 10_001) == max(cores, 11)


def test_a_persons_claims_fall_in_one_group_and_groups_hold_as_many_persons() -> None:
    rows = [(f"e{i}", f"p{i % 7}", 100) for i in range(70)]
    table = _claims(rows)
    buckets = person_buckets(table, 3)
    of_person: dict[str, set[int]] = {}
    for (_, person, _), bucket in zip(rows, buckets, strict=True):
        of_person.setdefault(person, set()).add(int(bucket))
    assert all(len(groups) == 1 for groups in of_person.values())
    persons = [sum(groups == {k} for groups in of_person.values()) for k in range(3)]
    assert sorted(persons) == [2, 2, 3]

"""Claims built and adjudicated on Spark workers (Spark 分组理赔构建): a region-year that does
not fit in one process.

:mod:`yigai.policy.spark_settle` moves only the kernel to Spark; the claims are still built on
the driver, whose memory then bounds the region (about 50 GB for 10 M residents' 57 M
encounters). Here the driver only deals the person records into groups and every task runs the
whole single-process settlement (:func:`yigai.policy.settle.claims_of`) on one group.

Why that gives the single-process answer, to the fen: every step of the claim build looks at
one person's records (their registry versions for the scheme on the date, their year-end home
unit and groups, their inpatient stays for referral links) or at the shared registers
(``org_units``, ``community_members``), and every tracker of the kernel is per person-year. So
the driver splits ``encounters`` of the year, ``residents`` (all versions) and ``referrals``
by a hash of ``person_id`` — one DuckDB pass per record set straight from the warehouse's
files to one Parquet folder per group, nothing held in the driver's memory — and hands every
task the shared registers whole. The tasks write their claims and dropped encounters as
Parquet beside their inputs; the driver reads them back (tests/policy/test_spark_claims.py).

The hand-over folder (``workdir``, default the system's temp) must be storage every executor
reads; it is created owner-only and removed afterwards. The warehouse's files are handed out
through :meth:`yigai.warehouse.Warehouse.files`, which audits the read.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from yigai import access
from yigai.periods import Period
from yigai.policy.claims import CLAIMS
from yigai.policy.settle import ClaimsEngine, claims_of
from yigai.policy.spark_settle import bucket_count, raise_claim_error
from yigai.records import schemas
from yigai.warehouse.sql import file_list, quoted

#: The record sets dealt by person; the others a settlement reads are shared whole.
BY_PERSON = ("encounters", "residents", "referrals")
SHARED = ("org_units", "community_members")
_DROPPED = pa.schema([("encounter_id", pa.string()), ("reason", pa.string())])
_PURPOSE = "医保结算（Spark）/ settlement on Spark"


class GroupRecords:
    """One group of persons' records as a task sees them: ``read`` as the warehouse's, from
    the hand-over folder (``encounters`` holds only the year being settled)."""

    def __init__(self, folder: str, shared: str) -> None:
        self.folder, self.shared = Path(folder), Path(shared)

    def read(self, name: str, months: Any = None, columns: list[str] | None = None) -> pa.Table:
        schema = schemas.get(name).arrow_schema()
        names = columns or schema.names
        wanted = pa.schema([schema.field(c) for c in names])
        place = self.folder / name if name in BY_PERSON else self.shared / f"{name}.parquet"
        if not place.exists():
            return wanted.empty_table()
        return ds.dataset(place, format="parquet").to_table(columns=names).cast(wanted)


def spark_claims(spark: Any, buckets: int | None = None) -> ClaimsEngine:
    """A :data:`ClaimsEngine` for ``yigai settle --engine spark``: :func:`settle_on_spark`."""

    def settle(
        wh: Any, year: int, region: str, *, root: Path | None = None
    ) -> tuple[pa.Table, list[tuple[str, str]]]:
        return settle_on_spark(spark, wh, year, region, root=root, buckets=buckets)

    return settle


def settle_on_spark(
    spark: Any,
    wh: Any,
    year: int,
    region: str,
    *,
    root: Path | None = None,
    buckets: int | None = None,
    workdir: Path | None = None,
) -> tuple[pa.Table, list[tuple[str, str]]]:
    """:func:`yigai.policy.settle.settle_claims_explained` of ``year`` with the claims built
    and adjudicated in ``buckets`` Spark tasks (default: one per core, more when a group would
    pass :data:`yigai.policy.spark_settle.BUCKET_ROWS` encounters). Same claims, same dropped
    encounters; the claims come grouped by person, not in the warehouse's order."""
    access.require_all(wh.root, "医保结算 / settlement")
    months = Period.year(year).month_keys()
    files = {
        name: wh.files(name, months if name == "encounters" else None, purpose=_PURPOSE)
        for name in BY_PERSON
    }
    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in files["encounters"])
    n = buckets or bucket_count(spark, rows)
    with tempfile.TemporaryDirectory(prefix="yigai-spark-claims-", dir=workdir) as tmp:
        shared = Path(tmp) / "shared"
        shared.mkdir()
        for name in SHARED:
            pq.write_table(wh.read(name), shared / f"{name}.parquet")
        groups = _deal(files, n, Path(tmp))
        tasks = spark.sparkContext.parallelize(groups, max(len(groups), 1))
        try:
            done = tasks.map(_task(year, region, root, str(shared))).collect()
        except Exception as exc:  # the worker's ClaimError, not Spark's wrapper
            raise_claim_error(exc)
        claims = [pq.read_table(c) for c, _ in done]
        dropped = pa.concat_tables([pq.read_table(d, schema=_DROPPED) for _, d in done])
        out = (
            pa.concat_tables([t.cast(CLAIMS.arrow_schema()) for t in claims])
            if claims
            else CLAIMS.arrow_schema().empty_table()
        )
    reasons = dropped.sort_by("encounter_id")
    return out, list(
        zip(reasons["encounter_id"].to_pylist(), reasons["reason"].to_pylist(), strict=True)
    )


def _deal(files: dict[str, list[Path]], n: int, tmp: Path) -> list[str]:
    """Write each person record set to ``tmp/group=<k>/<name>/`` by a hash of ``person_id``
    (DuckDB, streaming); the folders of the groups that have encounters."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        for name, paths in files.items():
            if not paths:
                continue
            con.execute(
                f"COPY (SELECT *, hash(person_id) % {n} AS grp "
                f"FROM read_parquet({file_list(paths)}, union_by_name = true)) "
                f"TO {quoted(tmp / f'by-{name}')} (FORMAT parquet, PARTITION_BY (grp))"
            )
    finally:
        con.close()
    groups = []
    for k in range(n):
        if not (tmp / "by-encounters" / f"grp={k}").exists():
            continue
        folder = tmp / f"group-{k:05d}"
        folder.mkdir()
        for name in BY_PERSON:
            part = tmp / f"by-{name}" / f"grp={k}"
            if part.exists():
                part.rename(folder / name)
        groups.append(str(folder))
    return groups


def _task(year: int, region: str, root: Path | None, shared: str) -> Any:
    """What each task runs on its group's folder (pickled to the workers: plain values);
    returns the paths of the claims and dropped encounters it wrote."""

    def run(folder: str) -> tuple[str, str]:
        claims, dropped = claims_of(GroupRecords(folder, shared), year, region, root=root)
        out = Path(folder)
        pq.write_table(claims, out / "claims.parquet")
        ids, reasons = zip(*dropped, strict=True) if dropped else ((), ())
        pq.write_table(
            pa.table([pa.array(ids, pa.string()), pa.array(reasons, pa.string())], schema=_DROPPED),
            out / "dropped.parquet",
        )
        return str(out / "claims.parquet"), str(out / "dropped.parquet")

    return run


__all__ = ["BY_PERSON", "ClaimsEngine", "GroupRecords", "settle_on_spark", "spark_claims"]

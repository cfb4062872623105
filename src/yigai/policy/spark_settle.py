"""Settlement on Spark (Spark 结算): the vectorised kernel run per group of whole persons.

:func:`yigai.policy.settle.settle_claims_explained` builds each claim (scheme on the date,
level, county, referral links) as on one process; only the adjudication moves to Spark, through
its ``adjudicate`` hook: :func:`spark_adjudicator`.

Why splitting by person is enough: every year-to-date tracker of the kernel (deductible paid,
caps used, admissions counted) is per person-year, and a referral links two stays of the same
person. So the driver deals the persons into groups (:func:`person_buckets`), writes each
group's claims to a Parquet file, and one Spark task per file runs
:func:`yigai.policy.vectorised.adjudicate_table` on it: it gives the rows it gives on the whole
table, to the fen (tests/policy/test_spark_settle.py). Spark schedules the tasks (on a cluster,
over the executors, the files on shared storage); the claims never pass through the JVM, which
was most of the time when Spark grouped them (docs/SCALE.md). Results come back in the input
order of the claims (callers match rows by ``encounter_id``).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from yigai.policy.adjudication import ClaimError
from yigai.policy.claim_order import check_unique
from yigai.policy.settle import Adjudicator
from yigai.policy.vectorised import adjudicate_table
from yigai.policy.vectorised.table import RESULT_SCHEMA

#: Most claims in one group (one task, one Python worker's memory): about 250 MB of Arrow
#: input at the measured 125 bytes a claim, plus the kernel's working columns.
BUCKET_ROWS = 2_000_000
#: Each task's file would carry its own dictionary of scheme versions: they travel as plain
#: text and are encoded once, on the driver.
_WIRE_SCHEMA = pa.schema(
    [
        pa.field(f.name, pa.string()) if f.name == "scheme_version" else f.with_nullable(True)
        for f in RESULT_SCHEMA
    ]
)
_CLAIM_ERROR = re.compile(r"ClaimError: (.+)")


def session(
    app_name: str = "yigai", master: str | None = None, conf: Mapping[str, str] | None = None
) -> Any:
    """A SparkSession whose Python workers run this interpreter (so they import yigai and
    its parameters); ``master`` e.g. ``local[2]``, else Spark's default or spark-submit's;
    ``conf``: further Spark settings."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name).config("spark.ui.enabled", "false")
    if master:
        builder = builder.master(master)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_adjudicator(spark: Any, buckets: int | None = None) -> Adjudicator:
    """An ``adjudicate`` for :func:`yigai.policy.settle.settle_claims_explained` that runs the
    kernel on ``spark``, the claims split into ``buckets`` groups of whole persons (default:
    :func:`bucket_count`)."""

    def adjudicate(table: pa.Table, region: str, *, root: Path | None = None) -> pa.Table:
        return adjudicate_on_spark(spark, table, region, root=root, buckets=buckets)

    return adjudicate


def bucket_count(spark: Any, rows: int) -> int:
    """One group per core Spark offers (the kernel needs no more to use them all), more when
    a group would pass :data:`BUCKET_ROWS` claims, so a worker's memory stays bounded."""
    return max(int(spark.sparkContext.defaultParallelism), -(-rows // BUCKET_ROWS), 1)


def person_buckets(table: pa.Table, n: int) -> np.ndarray:
    """The group (0 … n-1) of each claim: persons dealt round-robin in order of first
    appearance, so every person's claims are in one group and groups hold as many persons."""
    codes = pc.dictionary_encode(table["person_id"]).combine_chunks().indices
    return np.asarray(codes.to_numpy(zero_copy_only=False) % n, dtype=np.int32)


def adjudicate_on_spark(
    spark: Any,
    table: pa.Table,
    region: str,
    *,
    root: Path | None = None,
    buckets: int | None = None,
    workdir: Path | None = None,
) -> pa.Table:
    """:func:`adjudicate_table` of ``table`` on Spark: :data:`RESULT_SCHEMA`, one row per
    claim, in the input order. A bad claim is a :class:`ClaimError` as on one process.
    ``workdir``: where the claims are handed over as Parquet (default: the system's temp;
    on a cluster, storage every executor reads)."""
    if table.num_rows == 0:
        return adjudicate_table(table, region, root=root)
    # a group only sees its own persons: an id given to two persons is refused here
    check_unique(table["encounter_id"])
    n = buckets or bucket_count(spark, table.num_rows)
    # The driver splits the claims by person into one Parquet file per group and each Spark
    # task runs the kernel on its file and writes its result beside it: no row passes through
    # the JVM. Reading the claims into a DataFrame and grouping them there (a shuffle, then
    # Arrow batches to the Python workers and back) cost 12-63 s for 0.84-1.1 M claims on
    # two cores where this takes 3-10 s (docs/SCALE.md).
    bucket = person_buckets(table, n)
    order = np.argsort(bucket, kind="stable")  # keeps each group's claims in input order
    ends = np.cumsum(np.bincount(bucket, minlength=n))
    grouped = table.take(pa.array(order))
    with tempfile.TemporaryDirectory(prefix="yigai-spark-", dir=workdir) as tmp:
        given = []
        for k in range(n):
            lo = int(ends[k - 1]) if k else 0
            if ends[k] > lo:
                given.append(str(Path(tmp) / f"claims-{k:05d}.parquet"))
                pq.write_table(grouped.slice(lo, int(ends[k]) - lo), given[-1])
        tasks = spark.sparkContext.parallelize(given, len(given))
        try:
            settled = tasks.map(_kernel(region, root)).collect()
        except Exception as exc:  # Spark wraps the worker's error in its own types
            raise_claim_error(exc)
        out = pa.concat_tables(pq.read_table(path, schema=_WIRE_SCHEMA) for path in settled)
    return _in_input_order(out, table)


def _kernel(region: str, root: Path | None) -> Any:
    """The function each task runs on its claims file (pickled to the workers: a closure of
    plain values); it returns the path of the settled file it wrote."""

    def run(path: str) -> str:
        settled = adjudicate_table(pq.read_table(path), region, root=root)
        at = settled.schema.get_field_index("scheme_version")
        text = settled["scheme_version"].cast(pa.string())
        given = Path(path)
        out = given.with_name(given.name.replace("claims-", "settled-"))
        pq.write_table(settled.set_column(at, "scheme_version", text).cast(_WIRE_SCHEMA), out)
        return str(out)

    return run


def raise_claim_error(exc: Exception) -> NoReturn:
    """Raise the worker's :class:`ClaimError` (its bilingual message) out of Spark's wrapper
    ``exc``, so the CLI shows the claim at fault instead of a Java stack; ``exc`` itself for
    other failures."""
    found = _CLAIM_ERROR.findall(str(exc))
    if not found:
        raise exc
    raise ValueError(found[-1].strip()) from None


def _in_input_order(out: pa.Table, table: pa.Table) -> pa.Table:
    """Spark's rows in the order of ``table``, with the kernel's exact schema."""
    out = out.take(pc.sort_indices(pc.index_in(out["encounter_id"], table["encounter_id"])))
    at = out.schema.get_field_index("scheme_version")
    versions = out["scheme_version"].combine_chunks().dictionary_encode()
    out = out.set_column(at, "scheme_version", versions)
    return out.cast(RESULT_SCHEMA)


__all__ = [
    "ClaimError",
    "adjudicate_on_spark",
    "bucket_count",
    "person_buckets",
    "raise_claim_error",
    "session",
    "spark_adjudicator",
]

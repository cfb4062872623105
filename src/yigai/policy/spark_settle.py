"""Settlement on Spark (Spark 结算): the vectorised kernel run per hash bucket of persons.

:func:`yigai.policy.settle.settle_claims_explained` builds each claim (scheme on the date,
level, county, referral links) as on one process; only the adjudication moves to Spark, through
its ``adjudicate`` hook: :func:`spark_adjudicator`.

Why hashing the person is enough: every year-to-date tracker of the kernel (deductible paid,
caps used, admissions counted) is per person-year, and a referral links two stays of the same
person. So ``groupBy(pmod(xxhash64(person_id), n)).applyInArrow(...)`` puts each person's
claims whole into one group, and :func:`yigai.policy.vectorised.adjudicate_table`
on that group gives the rows it gives on the whole table, to the fen
(tests/policy/test_spark_settle.py). Results come back in the input order of the claims
(the single-process path returns them in claim order; callers match rows by
``encounter_id``). docs/SCALE.md gives the measured rates and the sizing of a province.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from yigai.policy.adjudication import ClaimError
from yigai.policy.claim_order import check_unique
from yigai.policy.settle import Adjudicator
from yigai.policy.vectorised import adjudicate_table
from yigai.policy.vectorised.table import RESULT_SCHEMA

#: The hash bucket column added to the claims sent to Spark.
BUCKET = "_yigai_bucket"
#: Claims per Parquet file handed to Spark (Spark reads files in parallel).
FILE_ROWS = 250_000
#: Spark cannot carry Arrow dictionaries: the scheme version travels as plain text.
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
    kernel on ``spark``, the claims split into ``buckets`` groups by a hash of the person
    (default: ``spark.sql.shuffle.partitions``, one group per shuffle partition)."""

    def adjudicate(table: pa.Table, region: str, *, root: Path | None = None) -> pa.Table:
        return adjudicate_on_spark(spark, table, region, root=root, buckets=buckets)

    return adjudicate


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
    ``workdir``: where the claims are handed over as Parquet (default: the system's temp)."""
    if table.num_rows == 0:
        return adjudicate_table(table, region, root=root)
    # a group only sees its own persons: an id given to two persons is refused here
    check_unique(table["encounter_id"])
    from pyspark.sql import functions as F

    n = buckets or int(spark.conf.get("spark.sql.shuffle.partitions"))
    # Claims go in and out as Parquet files, not through the driver's socket to the JVM:
    # createDataFrame of an Arrow table took 31 s for 0.84 M claims where reading the same
    # claims from Parquet took 4 s (docs/SCALE.md). On a cluster ``workdir`` is shared storage.
    with tempfile.TemporaryDirectory(prefix="yigai-spark-", dir=workdir) as tmp:
        given, settled = Path(tmp) / "claims", Path(tmp) / "settled"
        given.mkdir()
        for part, lo in enumerate(range(0, table.num_rows, FILE_ROWS)):
            pq.write_table(table.slice(lo, FILE_ROWS), given / f"part-{part:05d}.parquet")
        frame = spark.read.parquet(str(given)).withColumn(
            BUCKET, F.pmod(F.xxhash64("person_id"), F.lit(n))
        )
        grouped = frame.groupBy(BUCKET).applyInArrow(_kernel(region, root), _spark_schema())
        try:
            grouped.write.parquet(str(settled))
        except Exception as exc:  # Spark wraps the worker's error in its own types
            found = _claim_error(exc)
            if found is None:
                raise
            raise found from None
        out = pq.read_table(settled, schema=_WIRE_SCHEMA)
    return _in_input_order(out, table)


def _kernel(region: str, root: Path | None) -> Any:
    """The function each group runs (pickled to the workers: a closure of plain values)."""

    def run(claims: pa.Table) -> pa.Table:
        settled = adjudicate_table(claims.drop_columns([BUCKET]), region, root=root)
        at = settled.schema.get_field_index("scheme_version")
        text = settled["scheme_version"].cast(pa.string())
        return settled.set_column(at, "scheme_version", text).cast(_WIRE_SCHEMA)

    return run


def _spark_schema() -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(_WIRE_SCHEMA)


def _claim_error(exc: Exception) -> ValueError | None:
    """The worker's :class:`ClaimError` (its bilingual message) from Spark's wrapper, so the
    CLI shows the claim at fault instead of a Java stack; None for other failures."""
    found = _CLAIM_ERROR.findall(str(exc))
    return ValueError(found[-1].strip()) if found else None


def _in_input_order(out: pa.Table, table: pa.Table) -> pa.Table:
    """Spark's rows in the order of ``table``, with the kernel's exact schema."""
    out = out.take(pc.sort_indices(pc.index_in(out["encounter_id"], table["encounter_id"])))
    at = out.schema.get_field_index("scheme_version")
    versions = out["scheme_version"].combine_chunks().dictionary_encode()
    out = out.set_column(at, "scheme_version", versions)
    return out.cast(RESULT_SCHEMA)


__all__ = ["ClaimError", "adjudicate_on_spark", "session", "spark_adjudicator"]

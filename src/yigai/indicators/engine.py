"""Indicator engine (指标计算引擎): catalogue × periods → one result table, on DuckDB or Spark.

Both engines read the same Parquet files and run the same Ibis expressions; they return only
integer numerators and denominators, and every value is then computed once in Python
(:mod:`yigai.indicators.values`), so DuckDB and Spark agree exactly by construction.

Event record sets are read only for the months the periods cover; stocks (contracts, chronic
cases) and registries are read whole, because a contract signed years ago can still be valid
at the period end.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from yigai.indicators import catalogue as catalogue_mod
from yigai.indicators import values
from yigai.indicators.catalogue import Catalogue
from yigai.indicators.compiler import compile_indicator
from yigai.indicators.source import ArrowSource, TableSource
from yigai.orgs import hierarchy
from yigai.periods import Period, parse
from yigai.records import schemas

#: ``(description, done, total)``, the shape of :func:`yigai.console.progress_bar`'s callback.
ProgressFn = Callable[[str, int, int | None], None]

EVENT_SETS = ("encounters", "referrals", "followups")

#: One label for the whole run: the console's progress bar keys its tasks by description.
PROGRESS_LABEL = "计算指标 / computing indicators"

RESULT_SCHEMA = pa.schema(
    [
        pa.field("indicator_id", pa.string(), nullable=False),
        pa.field("org_id", pa.string(), nullable=False),
        pa.field("period_id", pa.string(), nullable=False),
        pa.field("grain", pa.string(), nullable=False),
        pa.field("numerator", pa.int64()),
        pa.field("denominator", pa.int64()),
        pa.field("value", pa.string()),
        pa.field("source", pa.string(), nullable=False),
    ]
)


def periods_tables(periods: Iterable[Period]) -> tuple[pa.Table, pa.Table]:
    """``periods`` (one row per period) and ``period_months`` (one row per period × month)."""
    ps = sorted(set(periods))
    per = pa.table(
        {
            "period_id": [p.id for p in ps],
            "grain": [p.grain.value for p in ps],
            "period_start": pa.array([p.start for p in ps], pa.date32()),
            "period_end": pa.array([p.end for p in ps], pa.date32()),
        }
    )
    rows = [(p.id, p.grain.value, m) for p in ps for m in p.month_keys()]
    months = pa.table(
        {
            "period_id": [r[0] for r in rows],
            "grain": [r[1] for r in rows],
            "month": pa.array([r[2] for r in rows], pa.int32()),
        }
    )
    return per, months


def _read(paths: list[Path], name: str) -> pa.Table:
    schema = schemas.get(name).arrow_schema()
    if not paths:
        return schema.empty_table()
    return pa.concat_tables([pq.read_table(p, schema=schema) for p in paths])


def _collect_files(
    source: TableSource | Mapping[str, pa.Table], months: list[int], work: Path
) -> dict[str, list[Path]]:
    """Record set → Parquet files; an absent record set becomes one empty file."""
    src: TableSource = (
        ArrowSource(source, work / "arrow") if isinstance(source, Mapping) else source
    )
    if isinstance(src, ArrowSource):
        (work / "arrow").mkdir(exist_ok=True)
    out: dict[str, list[Path]] = {}
    for rs in schemas.ALL:
        paths = [Path(p) for p in src.files(rs.name, months if rs.name in EVENT_SETS else None)]
        if not paths:
            empty = work / f"empty_{rs.name}.parquet"
            pq.write_table(rs.arrow_schema().empty_table(), empty)
            paths = [empty]
        out[rs.name] = paths
    return out


def _derived(files: dict[str, list[Path]], periods: list[Period], work: Path) -> dict[str, Path]:
    org_units = _read(files["org_units"], "org_units")
    members = _read(files["community_members"], "community_members")
    per, months = periods_tables(periods)
    tables = {
        "closure": hierarchy.closure(org_units, members),
        "org_county": hierarchy.county_table(org_units),
        "periods": per,
        "period_months": months,
    }
    out = {}
    for name, table in tables.items():
        out[name] = work / f"{name}.parquet"
        pq.write_table(table, out[name])
    return out


def _connect_duckdb(files: Mapping[str, list[Path]]) -> dict[str, ir.Table]:
    con = ibis.duckdb.connect()
    return {
        name: con.read_parquet([str(p) for p in paths], table_name=name)
        for name, paths in files.items()
    }


def _connect_spark(files: Mapping[str, list[Path]], session: Any) -> dict[str, ir.Table]:
    from pyspark.sql.pandas.types import from_arrow_schema

    con = ibis.pyspark.connect(session)
    run = uuid.uuid4().hex[:8]
    out = {}
    for name, paths in files.items():
        view = f"yigai_{run}_{name}"
        # Giving the schema spares Spark a job per record set to infer it from the files.
        schema = from_arrow_schema(pq.read_schema(paths[0]))
        session.read.schema(schema).parquet(*[str(p) for p in paths]).createOrReplaceTempView(view)
        out[name] = con.table(view)
    return out


def compute(
    source: TableSource | Mapping[str, pa.Table],
    periods: Iterable[Period | str],
    *,
    engine: Literal["duckdb", "spark"] = "duckdb",
    catalogue: Catalogue | None = None,
    spark_session: Any = None,
    progress: ProgressFn | None = None,
) -> pa.Table:
    """Compute every catalogue indicator for every org unit × period (see CONTRACTS.md).

    ``source`` is a warehouse (or any :class:`TableSource`) or a mapping of record-set name
    → Arrow table. Growth indicators need last year's periods: they are computed too, but
    only the requested periods are returned.
    """
    cat = catalogue or catalogue_mod.default()
    wanted = sorted({p if isinstance(p, Period) else parse(p) for p in periods})
    needed = set(wanted)
    if any(ind.kind == "growth" for ind in cat):
        needed |= {p.same_period_last_year() for p in wanted}
    months = sorted({m for p in needed for m in p.month_keys()})
    ratio = [ind for ind in cat if ind.kind == "ratio"]
    total = len(ratio)
    counts: dict[str, dict[tuple[str, str], tuple[int, int, str]]] = {}
    with tempfile.TemporaryDirectory(prefix="yigai-ind-") as tmp:
        work = Path(tmp)
        files: dict[str, list[Path]] = _collect_files(source, months, work)
        files.update({k: [v] for k, v in _derived(files, sorted(needed), work).items()})
        if engine == "duckdb":
            tables = _connect_duckdb(files)
        elif engine == "spark":
            if spark_session is None:
                raise ValueError(
                    "Spark 引擎需要 spark_session / engine='spark' needs spark_session"
                )
            tables = _connect_spark(files, spark_session)
        else:
            raise ValueError(f"未知引擎 {engine!r} / unknown engine {engine!r}")
        built: dict[str, ir.Table] = {}
        for done, ind in enumerate(ratio):
            if progress:
                progress(PROGRESS_LABEL, done, total)
            result = compile_indicator(ind, tables, built).to_pyarrow()
            counts[ind.id] = {
                (r["org_id"], r["period_id"]): (r["numerator"], r["denominator"], r["grain"])
                for r in result.to_pylist()
            }
        if progress:
            progress(PROGRESS_LABEL, total, total)
    return _assemble(cat, counts, wanted)


def _assemble(
    cat: Catalogue,
    counts: Mapping[str, Mapping[tuple[str, str], tuple[int, int, str]]],
    wanted: list[Period],
) -> pa.Table:
    keep = {p.id for p in wanted}
    ly = {p.id: p.same_period_last_year().id for p in wanted}
    rows: list[dict[str, Any]] = []
    for ind in cat:
        base = counts[ind.of if ind.kind == "growth" else ind.id]
        for (org_id, period_id), (num, den, grain) in sorted(base.items()):
            if period_id not in keep:
                continue
            row = {
                "indicator_id": ind.id,
                "org_id": org_id,
                "period_id": period_id,
                "grain": grain,
                "source": "computed",
            }
            if ind.kind == "growth":
                prev = base.get((org_id, ly[period_id]))
                v = values.growth_value((num, den), prev[:2], ind.places) if prev else None
                row.update(numerator=None, denominator=None)
            else:
                v = values.ratio_value(num, den, ind.scale, ind.places)
                row.update(numerator=num, denominator=den)
            row["value"] = values.text(v, ind.places)
            rows.append(row)
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)

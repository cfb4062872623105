"""Indicator engine (指标计算引擎): catalogue × periods → one result table, on DuckDB or Spark.

Both engines read the same Parquet files and run the same Ibis expressions; they return only
integer numerators and denominators, and every value is then computed once in Python
(:mod:`yigai.indicators.values`), so DuckDB and Spark agree exactly by construction.

Event record sets are read only for the months the periods cover; stocks (contracts, chronic
cases) and registries are read whole, because a contract signed years ago can still be valid
at the period end.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from yigai.indicators import catalogue as catalogue_mod
from yigai.indicators import params, values
from yigai.indicators.catalogue import Catalogue
from yigai.indicators.model import Side
from yigai.indicators.plan import plan
from yigai.indicators.source import ArrowSource, TableSource
from yigai.indicators.values import RESULT_SCHEMA
from yigai.orgs import hierarchy
from yigai.periods import Period, parse
from yigai.records import schemas, versions

#: ``(description, done, total)``, the shape of :func:`yigai.console.progress_bar`'s callback.
ProgressFn = Callable[[str, int, int | None], None]

EVENT_SETS = ("encounters", "referrals", "followups", "claims")

#: One label for the whole run: the console's progress bar keys its tasks by description.
PROGRESS_LABEL = "计算指标 / computing indicators"

#: One side's integer value and grain per (org unit, period).
SideValues = dict[tuple[str, str], tuple[int, str]]


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
    # A dataset also reads files stored before a column existed (it comes back null).
    return ds.dataset([str(p) for p in paths], schema=schema).to_table()


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


def _versions(files: dict[str, list[Path]], work: Path) -> dict[str, Path]:
    """Each versioned registry as its versions with their last day (``version_to``), retired
    versions dropped: the views pick the version in force on a date with two comparisons."""
    out = {}
    for rs in schemas.ALL:
        if rs.versioned:
            out[rs.name] = work / f"versions_{rs.name}.parquet"
            pq.write_table(versions.spans(_read(files[rs.name], rs.name), rs.key), out[rs.name])
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
    # DuckDB's own progress bar would print over the Rich bar the CLI draws.
    con.raw_sql("SET enable_progress_bar = false")
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
    with tempfile.TemporaryDirectory(prefix="yigai-ind-") as tmp:
        work = Path(tmp)
        files: dict[str, list[Path]] = _collect_files(source, months, work)
        files.update({k: [v] for k, v in _derived(files, sorted(needed), work).items()})
        files.update({k: [v] for k, v in _versions(files, work).items()})
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
        growth_bases = frozenset(ind.of for ind in cat if ind.kind == "growth" and ind.of)
        work_plan = plan(ratio, tables, requested=[p.id for p in wanted], wide=growth_bases)
        total = len(work_plan.queries)
        done_sides: dict[str, SideValues] = {}
        for done, query in enumerate(work_plan.queries):
            if progress:
                progress(PROGRESS_LABEL, done, total)
            for r in query.expr.to_pyarrow().to_pylist():
                where = (r["org_id"], r["period_id"])
                for i, key in enumerate(query.keys):
                    if r[f"n{i}"]:
                        done_sides.setdefault(key, {})[where] = (r[f"v{i}"], r["grain"])
        if progress:
            progress(PROGRESS_LABEL, total, total)
    counts = {
        ind_id: _combine(done_sides.get(num, {}), None if den is None else done_sides.get(den, {}))
        for ind_id, (num, den) in work_plan.sides.items()
    }
    return _assemble(cat, counts, wanted)


def _combine(
    num: SideValues, den: SideValues | None
) -> dict[tuple[str, str], tuple[int, int, str]]:
    """Numerator and denominator per (org, period); a side with no rows there counts 0.

    A count indicator (no denominator) has denominator 1 wherever it has a value.
    """
    if den is None:
        return {k: (v, 1, grain) for k, (v, grain) in num.items()}
    out = {}
    for k in num.keys() | den.keys():
        n, d = num.get(k), den.get(k)
        out[k] = (n[0] if n else 0, d[0] if d else 0, (n or d)[1])  # type: ignore[index]
    return out


def _factor(side: Side | None, day: dt.date) -> Fraction:
    """The side's dated factor in force at the period end (1 when it has none), exactly."""
    if side is None or side.factor is None:
        return Fraction(1)
    return Fraction(params.get(side.factor).at(day))


def _assemble(
    cat: Catalogue,
    counts: Mapping[str, Mapping[tuple[str, str], tuple[int, int, str]]],
    wanted: list[Period],
) -> pa.Table:
    keep = {p.id for p in wanted}
    by_id = {p.id: p for p in wanted}
    ly = {p.id: p.same_period_last_year().id for p in wanted}
    rows: list[dict[str, Any]] = []
    for ind in cat:
        if ind.kind == "reported":
            continue  # supplied by yigai.aggregates, not computed from records
        base = counts[ind.of if ind.kind == "growth" else ind.id]
        for (org_id, period_id), (num, den, grain) in sorted(base.items()):
            if period_id not in keep or (ind.grains and grain not in ind.grains):
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
                end = by_id[period_id].end
                v = values.ratio_value(
                    num,
                    den,
                    ind.scale,
                    ind.places,
                    num_factor=_factor(ind.numerator, end),
                    den_factor=_factor(ind.denominator, end),
                )
                row.update(numerator=num, denominator=den)
            row["value"] = values.text(v, ind.places)
            rows.append(row)
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)

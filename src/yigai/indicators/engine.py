"""Indicator engine (指标计算引擎): catalogue × periods → one result table, on DuckDB or Spark.

Both engines read the same Parquet files and run the same Ibis expressions; they return only
integer numerators and denominators, and every value is then computed from those integers in
one exact, vectorised statement (:mod:`yigai.indicators.assemble`), so DuckDB and Spark agree
exactly by construction.

Event record sets are read only for the months the periods cover; stocks (contracts, chronic
cases) and registries are read whole, because a contract signed years ago can still be valid
at the period end. Registries are handed over as stored: only their key and version columns
are read here, to give the few entities with several versions their spans.
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
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from yigai.indicators import assemble, views
from yigai.indicators import catalogue as catalogue_mod
from yigai.indicators.catalogue import Catalogue
from yigai.indicators.compiler import sides
from yigai.indicators.plan import plan
from yigai.indicators.source import ArrowSource, TableSource
from yigai.indicators.values import RESULT_SCHEMA  # noqa: F401  (re-exported by the package)
from yigai.orgs import hierarchy
from yigai.periods import Period, parse
from yigai.records import schemas, versions
from yigai.records.fields import RETIRED_REASON, VERSION_FROM
from yigai.records.versions import VERSION_TO

#: ``(description, done, total)``, the shape of :func:`yigai.console.progress_bar`'s callback.
ProgressFn = Callable[[str, int, int | None], None]

EVENT_SETS = ("encounters", "referrals", "followups", "claims")

#: One label for the whole run: the console's progress bar keys its tasks by description.
PROGRESS_LABEL = "计算指标 / computing indicators"


#: Distinct period ends one computation tells apart: each is a bit of a person's int64
#: contract mask (:func:`yigai.indicators.views.residents`); more periods run in chunks.
MAX_ENDS = 62


def periods_tables(periods: Iterable[Period]) -> tuple[pa.Table, pa.Table]:
    """``periods`` (one row per period, with its end's bit ``end_mask``) and
    ``period_months`` (one row per period × month)."""
    ps = sorted(set(periods))
    ends = sorted({p.end for p in ps})
    if len(ends) > MAX_ENDS:
        raise ValueError(f"at most {MAX_ENDS} distinct period ends per computation")
    bit = {end: 1 << i for i, end in enumerate(ends)}
    per = pa.table(
        {
            "period_id": [p.id for p in ps],
            "grain": [p.grain.value for p in ps],
            "period_start": pa.array([p.start for p in ps], pa.date32()),
            "period_end": pa.array([p.end for p in ps], pa.date32()),
            "end_mask": pa.array([bit[p.end] for p in ps], pa.int64()),
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
    source: TableSource | Mapping[str, pa.Table],
    months: list[int],
    work: Path,
    wanted: frozenset[str] | None = None,
) -> dict[str, list[Path]]:
    """Record set → Parquet files; an absent record set, or one no view of the catalogue
    reads (not in ``wanted``; None: all), becomes one empty file. Listing a record set
    costs: a table log to read, an audit entry, and hundreds of monthly files to open."""
    src: TableSource = (
        ArrowSource(source, work / "arrow") if isinstance(source, Mapping) else source
    )
    if isinstance(src, ArrowSource):
        (work / "arrow").mkdir(exist_ok=True)
    out: dict[str, list[Path]] = {}
    for rs in schemas.ALL:
        paths: list[Path] = []
        if wanted is None or rs.name in wanted:
            got = src.files(rs.name, months if rs.name in EVENT_SETS else None)
            paths = [Path(p) for p in got]
        if not paths:
            empty = work / f"empty_{rs.name}.parquet"
            pq.write_table(rs.arrow_schema().empty_table(), empty)
            paths = [empty]
        out[rs.name] = paths
    return out


def _versions(files: dict[str, list[Path]], work: Path) -> dict[str, list[Path]]:
    """Each versioned registry's version spans (``version_to``), retired versions dropped:
    the views pick the version in force on a date with two comparisons.

    Only the key and version columns are read here. The entities with several versions or a
    retirement (usually a few) get their spans in ``{name}__spans`` and their keys in
    ``{name}__busy``; the stored files stay as they are in ``{name}__stored`` and every other
    row is in force from its ``version_from`` on (:func:`_registry_tables`). Files stored
    before the version columns existed are read whole and rewritten as ``{name}`` instead.
    """
    out: dict[str, list[Path]] = {}
    for rs in schemas.ALL:
        if not rs.versioned:
            continue
        paths = files[rs.name]
        if not all(set(rs.arrow_schema().names) <= set(pq.read_schema(p).names) for p in paths):
            out[rs.name] = [work / f"versions_{rs.name}.parquet"]
            pq.write_table(versions.spans(_read(paths, rs.name), rs.key), out[rs.name][0])
            continue
        cols = [*rs.key, VERSION_FROM, RETIRED_REASON]
        ids = ds.dataset([str(p) for p in paths], schema=rs.arrow_schema()).to_table(columns=cols)
        busy = ids.filter(versions.versioned_rows(ids, rs.key))
        out[f"{rs.name}__stored"] = paths
        for part, table in (
            ("spans", versions.spans(busy, rs.key).drop_columns([RETIRED_REASON])),
            ("busy", busy.select(list(rs.key)).group_by(list(rs.key)).aggregate([])),
        ):
            out[f"{rs.name}__{part}"] = [work / f"{part}_{rs.name}.parquet"]
            pq.write_table(table, out[f"{rs.name}__{part}"][0])
    return out


def _registry_tables(tables: dict[str, ir.Table], busy: Mapping[str, bool]) -> None:
    """Put each registry read as stored (:func:`_versions`) under its name, with
    ``version_to``: the last day for its busy entities' versions, 9999-12-31 for the rest."""
    for name, any_busy in busy.items():
        rs = schemas.get(name)
        stored = tables.pop(f"{name}__stored")
        stored = stored.mutate(
            **{VERSION_FROM: stored[VERSION_FROM].fill_null(ibis.literal(versions.BEGINNING))}
        )
        spans, keys = tables.pop(f"{name}__spans"), tables.pop(f"{name}__busy")
        end = ibis.literal(versions.END_OF_TIME).name(VERSION_TO)
        if not any_busy:  # the common case: no join at all
            tables[name] = stored.mutate(end)
            continue
        plain = stored.anti_join(keys, list(rs.key)).mutate(end)
        ordered = stored.join(spans, [*rs.key, VERSION_FROM])
        tables[name] = plain.union(ordered.select(*plain.columns))


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


def _in_chunks(
    source: TableSource | Mapping[str, pa.Table],
    wanted: list[Period],
    cat: Catalogue,
    run: dict[str, Any],
) -> pa.Table:
    """More distinct period ends than a contract mask holds: compute the periods in runs of
    at most ``MAX_ENDS // 2`` ends (each with last year's), then restore the one order."""
    ends = sorted({p.end for p in wanted})
    size = MAX_ENDS // 2
    parts = []
    for i in range(0, len(ends), size):
        chunk = set(ends[i : i + size])
        parts.append(compute(source, [p for p in wanted if p.end in chunk], **run))
    out = pa.concat_tables(parts)
    order = pc.index_in(out["indicator_id"], value_set=pa.array([ind.id for ind in cat]))
    keys = [("order", "ascending"), ("org_id", "ascending"), ("period_id", "ascending")]
    ranked = out.append_column("order", order)
    return out.take(pc.sort_indices(ranked, sort_keys=keys))


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
    if len({p.end for p in needed}) > MAX_ENDS:
        run = dict(engine=engine, catalogue=cat, spark_session=spark_session, progress=progress)
        return _in_chunks(source, wanted, cat, run)
    months = sorted({m for p in needed for m in p.month_keys()})
    ratio = [ind for ind in cat if ind.kind == "ratio"]
    with tempfile.TemporaryDirectory(prefix="yigai-ind-") as tmp:
        work = Path(tmp)
        reads = views.record_sets({side.records for ind in ratio for side in sides(ind) if side})
        files: dict[str, list[Path]] = _collect_files(source, months, work, reads)
        files.update({k: [v] for k, v in _derived(files, sorted(needed), work).items()})
        files.update(_versions(files, work))
        busy = {
            name.removesuffix("__busy"): pq.read_metadata(paths[0]).num_rows > 0
            for name, paths in files.items()
            if name.endswith("__busy")
        }
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
        _registry_tables(tables, busy)
        growth_bases = frozenset(ind.of for ind in cat if ind.kind == "growth" and ind.of)
        work_plan = plan(ratio, tables, requested=[p.id for p in wanted], wide=growth_bases)
        total = len(work_plan.queries)
        rows: list[pa.Table] = []
        for done, query in enumerate(work_plan.queries):
            if progress:
                progress(PROGRESS_LABEL, done, total)
            rows += assemble.side_rows(query.expr.to_pyarrow(), query.keys)
        if progress:
            progress(PROGRESS_LABEL, total, total)
    return assemble.assemble(cat, work_plan.sides, rows, wanted)

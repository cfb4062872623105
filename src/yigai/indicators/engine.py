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
from yigai.indicators import params as indicator_params
from yigai.indicators.catalogue import Catalogue
from yigai.indicators.compiler import sides
from yigai.indicators.plan import plan
from yigai.indicators.source import ArrowSource, TableSource
from yigai.indicators.values import RESULT_SCHEMA  # noqa: F401  (re-exported by the package)
from yigai.orgs import hierarchy
from yigai.periods import Period, parse
from yigai.records import schemas, versions
from yigai.records.fields import PERSON_ID, PERSON_KEY, RETIRED_REASON, VERSION_FROM
from yigai.records.versions import VERSION_TO
from yigai.warehouse.sql import file_list

#: ``(description, done, total)``, the shape of :func:`yigai.console.progress_bar`'s callback.
ProgressFn = Callable[[str, int, int | None], None]

#: Dated record sets read only for the months the periods cover (check-ups count by their
#: date within a period, so a month outside every period holds none that count).
EVENT_SETS = (
    "encounters",
    "referrals",
    "followups",
    "claims",
    "health_checkups",
    "drug_purchases",
)

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
    """Record set → Parquet files; an absent record set becomes one empty file, and one no
    view of the catalogue reads (not in ``wanted``; None: all) is left out. Listing a record
    set costs: a table log to read, an audit entry, and hundreds of monthly files to open;
    handing one to an engine costs a view and its schema look-up."""
    src: TableSource = (
        ArrowSource(source, work / "arrow") if isinstance(source, Mapping) else source
    )
    if isinstance(src, ArrowSource):
        (work / "arrow").mkdir(exist_ok=True)
    out: dict[str, list[Path]] = {}
    for rs in schemas.ALL:
        if wanted is not None and rs.name not in wanted:
            continue
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
        if not rs.versioned or rs.name not in files:
            continue
        paths = files[rs.name]
        if not all({VERSION_FROM, RETIRED_REASON} <= set(pq.read_schema(p).names) for p in paths):
            out[rs.name] = [work / f"versions_{rs.name}.parquet"]
            pq.write_table(versions.spans(_read(paths, rs.name), rs.key), out[rs.name][0])
            continue
        busy = _busy_versions(paths, rs.key)
        out[f"{rs.name}__stored"] = paths
        for part, table in (
            ("spans", versions.spans(busy, rs.key).drop_columns([RETIRED_REASON])),
            ("busy", busy.select(list(rs.key)).group_by(list(rs.key)).aggregate([])),
        ):
            out[f"{rs.name}__{part}"] = [work / f"{part}_{rs.name}.parquet"]
            pq.write_table(table, out[f"{rs.name}__{part}"][0])
    return out


def _busy_versions(paths: list[Path], key: tuple[str, ...]) -> pa.Table:
    """Key and version columns of the entities with several versions or a retirement
    (:func:`yigai.records.versions.versioned_rows`'s rule), found by one DuckDB aggregation:
    a million residents' pseudonyms are grouped in a fraction of what Arrow's
    ``value_counts`` over the same strings takes, and only the few busy rows come back."""
    import duckdb

    keys = ", ".join(f'"{k}"' for k in key)
    files = file_list(paths)
    sql = f"""
        WITH ids AS (SELECT {keys}, {VERSION_FROM}, {RETIRED_REASON} FROM read_parquet({files})),
        busy AS (SELECT {keys} FROM ids GROUP BY ALL
                 HAVING count(*) > 1 OR count({RETIRED_REASON}) > 0)
        SELECT * FROM ids SEMI JOIN busy USING ({keys})"""
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        return con.sql(sql).to_arrow_table()


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


def _about_persons(name: str) -> bool:
    rs = schemas.BY_NAME.get(name)
    return rs is not None and rs.keyed_by_person


def _keyed(files: Mapping[str, list[Path]]) -> bool:
    """Whether every file of every record set about persons stores ``person_key``: files
    stored before it existed (until ``yigai warehouse migrate``) do not."""
    return all(
        PERSON_KEY in pq.read_schema(path).names
        for name, paths in files.items()
        if _about_persons(name)
        for path in paths
    )


def _by_pseudonym(tables: dict[str, ir.Table]) -> None:
    """Files without ``person_key``: the views join on it, so it becomes the pseudonym itself
    (the same joins, on the 32-character strings, as before the key existed)."""
    for name, table in tables.items():
        if _about_persons(name):
            tables[name] = table.mutate(**{PERSON_KEY: table[PERSON_ID]})


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


def _connect_duckdb(files: Mapping[str, list[Path]], keyed: bool = True) -> dict[str, ir.Table]:
    con = ibis.duckdb.connect()
    # DuckDB's own progress bar would print over the Rich bar the CLI draws.
    con.raw_sql("SET enable_progress_bar = false")
    # Not keyed: files stored before ``person_key`` beside files with it, matched by name.
    opts = {} if keyed else {"union_by_name": True}
    return {
        name: con.read_parquet([str(p) for p in paths], table_name=name, **opts)
        for name, paths in files.items()
    }


def _connect_spark(files: Mapping[str, list[Path]], session: Any) -> dict[str, ir.Table]:
    from pyspark.sql.pandas.types import from_arrow_schema

    con = ibis.pyspark.connect(session)
    run = uuid.uuid4().hex[:8]
    out = {}
    # Past this many paths Spark lists them with a job of one task per file: making the views
    # of a region's 264 monthly files of chronic cases took 13 s on a fresh session instead
    # of 6 s, 5 s instead of 2 s after (docs/SCALE.md). Raised while the views are made.
    listing = "spark.sql.sources.parallelPartitionDiscovery.threshold"
    before = session.conf.get(listing)
    session.conf.set(listing, str(max(len(paths) for paths in files.values()) + 1))
    try:
        for name, paths in files.items():
            view = f"yigai_{run}_{name}"
            # Giving the schema spares Spark a job per record set to infer it from the files.
            schema = from_arrow_schema(pq.read_schema(paths[0]))
            frame = session.read.schema(schema).parquet(*[str(p) for p in paths])
            frame.createOrReplaceTempView(view)
            out[name] = con.table(view)
    finally:
        session.conf.set(listing, before)
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
        keyed = _keyed(files)
        files.update(_versions(files, work))
        busy = {
            name.removesuffix("__busy"): pq.read_metadata(paths[0]).num_rows > 0
            for name, paths in files.items()
            if name.endswith("__busy")
        }
        if engine == "duckdb":
            tables = _connect_duckdb(files, keyed)
        elif engine == "spark":
            if spark_session is None:
                raise ValueError(
                    "Spark 引擎需要 spark_session / engine='spark' needs spark_session"
                )
            tables = _connect_spark(files, spark_session)
        else:
            raise ValueError(f"未知引擎 {engine!r} / unknown engine {engine!r}")
        _registry_tables(tables, busy)
        if not keyed:
            _by_pseudonym(tables)
        growth_bases = frozenset(ind.of for ind in cat if ind.kind == "growth" and ind.of)
        requested = [p.id for p in wanted]
        cache_key = _sql_key(ratio, requested, needed, growth_bases, busy, keyed)
        if engine == "duckdb" and cache_key in _SQL_CACHE:
            side_keys, queries = _SQL_CACHE[cache_key]
        else:
            work_plan = plan(ratio, tables, requested=requested, wide=growth_bases)
            side_keys, queries = work_plan.sides, [(q.expr, q.keys) for q in work_plan.queries]
            if engine == "duckdb":
                # The SQL depends on the catalogue and periods, not on the files: compiled
                # once per process, as the dashboards and reports call again and again.
                backend = next(iter(tables.values()))._find_backend()
                queries = [(backend.compile(expr), keys) for expr, keys in queries]
                if len(_SQL_CACHE) >= SQL_CACHE_SIZE:
                    _SQL_CACHE.clear()
                _SQL_CACHE[cache_key] = (side_keys, queries)
        rows: list[pa.Table] = []
        for done, (query, keys) in enumerate(queries):
            if progress:
                progress(PROGRESS_LABEL, done, len(queries))
            rows += assemble.side_rows(_run(query, tables), keys)
        if progress:
            progress(PROGRESS_LABEL, len(queries), len(queries))
    return assemble.assemble(cat, side_keys, rows, wanted)


#: DuckDB SQL of a computation's queries (and its sides), by everything the SQL depends on;
#: at most ``SQL_CACHE_SIZE`` computations (a few tens of kB of SQL each) are kept.
SQL_CACHE_SIZE = 64
_SQL_CACHE: dict[tuple[object, ...], tuple[dict[str, tuple[str, str | None]], list]] = {}


def _sql_key(
    ratio: list[Any],
    requested: list[str],
    needed: set[Period],
    wide: frozenset[str],
    busy: Mapping[str, bool],
    keyed: bool,
) -> tuple[object, ...]:
    """The catalogue's ratio indicators as written, the periods, which registries have
    several versions, whether persons are keyed, and the dated parameters the filters inline."""
    used = sorted(
        {c.param for ind in ratio for side in sides(ind) if side for c in (*side.where, *side.then)}
        - {None}
    )
    return (
        tuple(ind.model_dump_json() for ind in ratio),
        tuple(requested),
        tuple(sorted(p.id for p in needed)),
        tuple(sorted(wide)),
        tuple(sorted(busy.items())),
        keyed,
        tuple((name, repr(indicator_params.get(name).values)) for name in used),
    )


def _run(query: ir.Table | str, tables: Mapping[str, ir.Table]) -> pa.Table:
    """One query's result: compiled DuckDB SQL on the tables' connection, or an Ibis
    expression (Spark)."""
    if isinstance(query, str):
        return next(iter(tables.values()))._find_backend().con.sql(query).to_arrow_table()
    return query.to_pyarrow()

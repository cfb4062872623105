"""Result assembly (结果汇总): the engines' integer sides → the indicator result table, vectorised.

The queries return, per side, an integer value per org unit × period. This module pairs
numerators with denominators, looks up last year's values for growth rates and computes every
value in one SQL statement over those integers on an in-memory DuckDB connection, whichever
engine produced them, so DuckDB and Spark results still agree by construction.

The arithmetic is exact: 128-bit integers (``HUGEINT``; an overflow is an error, never a wrong
value) and the same half-up rule as :func:`yigai.indicators.values.round_half_up`,
``⌊(2|P| + Q) ÷ 2Q⌋`` units of the last decimal for a value P ÷ Q. A dated factor enters as its
exact fraction. The scalar functions in :mod:`yigai.indicators.values` state the rule; a test
holds the two to the same results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from fractions import Fraction

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from yigai.indicators import params
from yigai.indicators.catalogue import Catalogue
from yigai.indicators.model import Side
from yigai.indicators.values import RESULT_SCHEMA
from yigai.periods import Period

#: One side's value per org unit × period, for every side of the plan.
SIDES_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("org_id", pa.string()),
        ("period_id", pa.string()),
        ("grain", pa.string()),
        ("v", pa.int64()),
    ]
)


def side_rows(result: pa.Table, keys: Sequence[str]) -> list[pa.Table]:
    """One query's result (``org_id, period_id, grain, v{i}, n{i}``) as rows of
    :data:`SIDES_SCHEMA`: a side has a row where it matched records (``n{i}`` > 0)."""
    out = []
    for i, key in enumerate(keys):
        seen = pc.fill_null(pc.greater(result[f"n{i}"], 0), False)
        part = result.filter(seen)
        out.append(
            pa.table(
                [
                    pa.array([key] * part.num_rows, pa.string()),
                    part["org_id"].cast(pa.string()),
                    part["period_id"].cast(pa.string()),
                    part["grain"].cast(pa.string()),
                    pc.fill_null(part[f"v{i}"].cast(pa.int64()), 0),
                ],
                schema=SIDES_SCHEMA,
            )
        )
    return out


def _fraction(side: Side | None, day: dt.date) -> Fraction:
    """The side's dated factor in force on ``day`` (1 when it has none), exactly."""
    if side is None or side.factor is None:
        return Fraction(1)
    return Fraction(params.get(side.factor).at(day))


_INDS_SCHEMA = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("ord", pa.int64()),
        ("kind", pa.string()),
        ("base_id", pa.string()),
        ("num_key", pa.string()),
        ("den_key", pa.string()),
        ("is_count", pa.bool_()),
        ("scale_num", pa.int64()),
        ("scale_den", pa.int64()),
        ("places", pa.int64()),
        ("pow10", pa.int64()),
    ]
)
_PER_SCHEMA = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("period_id", pa.string()),
        ("ly_id", pa.string()),
        *((name, pa.int64()) for name in ("fn_num", "fn_den", "fd_num", "fd_den")),
    ]
)


def _indicators(cat: Catalogue, sides: Mapping[str, tuple[str, str | None]]) -> pa.Table:
    rows = []
    for order, ind in enumerate(i for i in cat if i.kind != "reported"):
        num, den = sides[ind.id] if ind.kind == "ratio" else (None, None)
        rows.append(
            {
                "indicator_id": ind.id,
                "ord": order,
                "kind": ind.kind,
                "base_id": ind.of if ind.kind == "growth" else ind.id,
                "num_key": num,
                "den_key": den,
                "is_count": ind.kind == "ratio" and den is None,
                "scale_num": ind.scale.numerator,
                "scale_den": ind.scale.denominator,
                "places": ind.places,
                "pow10": 10**ind.places,
            }
        )
    return pa.Table.from_pylist(rows, schema=_INDS_SCHEMA)


def _per_period(cat: Catalogue, wanted: Sequence[Period]) -> pa.Table:
    """Per indicator × requested period: the grains it is shown at and its exact factors."""
    rows = []
    for ind in cat:
        if ind.kind == "reported":
            continue
        for p in wanted:
            if ind.grains and p.grain.value not in ind.grains:
                continue
            fn = _fraction(ind.numerator, p.end) if ind.kind == "ratio" else Fraction(1)
            fd = _fraction(ind.denominator, p.end) if ind.kind == "ratio" else Fraction(1)
            rows.append(
                {
                    "indicator_id": ind.id,
                    "period_id": p.id,
                    "ly_id": p.same_period_last_year().id,
                    "fn_num": fn.numerator,
                    "fn_den": fn.denominator,
                    "fd_num": fd.numerator,
                    "fd_den": fd.denominator,
                }
            )
    return pa.Table.from_pylist(rows, schema=_PER_SCHEMA)


# Value P ÷ Q as fixed-point text, half up: ``units`` = ⌊(2|P| + |Q|) ÷ 2|Q|⌋ with P's sign.
_TEXT = """
    CASE WHEN q IS NULL THEN NULL ELSE
      (CASE WHEN units > 0 AND (p < 0) <> (q < 0) THEN '-' ELSE '' END)
      || CAST(units // pow10 AS VARCHAR)
      || CASE WHEN places = 0 THEN ''
              ELSE '.' || lpad(CAST(units % pow10 AS VARCHAR), CAST(places AS INTEGER), '0') END
    END"""

_SQL = f"""
WITH tagged AS (
  SELECT i.indicator_id, s.org_id, s.period_id, s.grain, s.v, false AS is_den
  FROM inds i JOIN sides s ON s.key = i.num_key
  UNION ALL
  SELECT i.indicator_id, s.org_id, s.period_id, s.grain, s.v, true
  FROM inds i JOIN sides s ON s.key = i.den_key),
counts AS (
  SELECT indicator_id, org_id, period_id, any_value(grain) AS grain,
    CAST(coalesce(sum(v) FILTER (NOT is_den), 0) AS HUGEINT) AS num,
    CAST(coalesce(sum(v) FILTER (is_den), 0) AS HUGEINT) AS den
  FROM tagged GROUP BY indicator_id, org_id, period_id),
ratios AS (
  SELECT i.indicator_id, i.ord, c.org_id, c.period_id, c.grain, i.places, i.pow10,
    c.num, CASE WHEN i.is_count THEN 1 ELSE c.den END AS den,
    c.num * w.fn_num * w.fd_den * i.scale_num * i.pow10 AS p,
    CASE WHEN i.is_count THEN 1 ELSE c.den END * w.fn_den * w.fd_num * i.scale_den AS q0
  FROM inds i JOIN counts c ON c.indicator_id = i.indicator_id
  JOIN per w ON w.indicator_id = i.indicator_id AND w.period_id = c.period_id
  WHERE i.kind = 'ratio'),
growths AS (
  SELECT i.indicator_id, i.ord, c.org_id, c.period_id, c.grain, i.places, i.pow10,
    NULL AS num, NULL AS den,
    (c.num * l.den - l.num * c.den) * 100 * i.pow10 AS p,
    CASE WHEN c.den <> 0 AND l.den <> 0 THEN l.num * c.den END AS q0
  FROM inds i JOIN counts c ON c.indicator_id = i.base_id
  JOIN per w ON w.indicator_id = i.indicator_id AND w.period_id = c.period_id
  LEFT JOIN counts l ON l.indicator_id = i.base_id AND l.org_id = c.org_id
   AND l.period_id = w.ly_id
  WHERE i.kind = 'growth'),
valued AS (
  SELECT *, CASE WHEN q0 <> 0 THEN q0 END AS q FROM (
    SELECT * FROM ratios UNION ALL BY NAME SELECT * FROM growths)),
units AS (SELECT *, (2 * abs(p) + abs(q)) // (2 * abs(q)) AS units FROM valued)
SELECT indicator_id, org_id, period_id, grain,
  CAST(num AS BIGINT) AS numerator, CAST(den AS BIGINT) AS denominator,
  {_TEXT} AS value, 'computed' AS source
FROM units ORDER BY ord, org_id, period_id
"""


def assemble(
    cat: Catalogue,
    sides: Mapping[str, tuple[str, str | None]],
    rows: Sequence[pa.Table],
    wanted: Sequence[Period],
) -> pa.Table:
    """The result table (:data:`RESULT_SCHEMA`) of ``cat`` over the ``wanted`` periods from
    the plan's side rows (:func:`side_rows`); ``sides`` maps an indicator to its (numerator,
    denominator or None) side keys. A side with no row at a unit × period counts 0 there."""
    inds = _indicators(cat, sides)
    per = _per_period(cat, wanted)
    if not inds.num_rows or not per.num_rows:
        return RESULT_SCHEMA.empty_table()
    con = duckdb.connect()
    try:
        con.register("sides", pa.concat_tables([SIDES_SCHEMA.empty_table(), *rows]))
        con.register("inds", inds)
        con.register("per", per)
        out = con.sql(_SQL).to_arrow_table()
    finally:
        con.close()
    return pa.Table.from_arrays(
        [out[f.name].cast(f.type) for f in RESULT_SCHEMA], schema=RESULT_SCHEMA
    )

"""Compiler (指标编译): a catalogue entry → one Ibis expression over all periods and org units.

Each side (numerator, denominator) is filtered, attributed to an org unit, joined to the
dated closure table (event date for events, period end for stocks — the view's ``as_of``)
and aggregated per ancestor × period. Numerators and denominators are aggregated
**separately** at every level, so a county's rate is Σ numerators ÷ Σ denominators of its
records, never an average of its institutions' rates. ``count_distinct`` is counted at each
level directly, so a person seen at two institutions counts once in their county.

Each side gives ``org_id, period_id, grain, value`` (int64); the engine combines them, computing
a side shared by several indicators once. This module knows nothing of DuckDB or Spark.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from decimal import Decimal
from functools import reduce
from typing import Any

import ibis
import ibis.expr.types as ir

from yigai.indicators import params
from yigai.indicators.model import Condition, Indicator, Measure, Side
from yigai.records import schemas


def _param_at(table: ir.Table, name: str) -> ir.Value:
    """The parameter in force on each row's ``as_of`` date; null before its first date.

    A reading is judged by the rule in force on the day it was taken. Before the first date
    there is no rule, so the comparison is null and the row does not match.
    """
    p = params.get(name)
    branches = [
        (table.as_of >= ibis.literal(day), ibis.literal(float(value)))
        for day, value, _ in reversed(p.values)
    ]
    return ibis.cases(*branches)


def _predicate(table: ir.Table, cond: Condition) -> ir.BooleanValue:
    """One filter. SQL semantics: a null compares as not matching (except ``is_null``)."""
    col = table[cond.column]
    v: Any = cond.value if cond.param is None else _param_at(table, cond.param)
    if isinstance(v, Decimal) and col.type().is_floating():
        # A measured reading (血糖) stored as float is compared with the threshold as float;
        # money is never float, so this touches only clinical measurements.
        v = float(v)
    if cond.op in ("eq", "ne") and isinstance(v, bool) and col.type().is_boolean():
        # A flag is tested as itself: Spark's SQL parser rejects ``a IN (…) = TRUE``, which is
        # what comparing an inlined ``isin`` flag with a literal compiles to. Null stays null.
        return col if v == (cond.op == "eq") else ~col
    match cond.op:
        case "eq":
            return col == v
        case "ne":
            return col != v
        case "in":
            return col.isin(v)
        case "not_in":
            return col.notin(v)
        case "gt":
            return col > v
        case "ge":
            return col >= v
        case "lt":
            return col < v
        case "le":
            return col <= v
        case "is_null":
            return col.isnull() if v else col.notnull()
    raise AssertionError(cond.op)  # pydantic restricts op to the cases above


def _measure(table: ir.Table, m: Measure) -> ir.IntegerScalar:
    if m.kind == "count":
        return table.count().cast("int64")
    col = table[m.column]
    if m.kind == "count_distinct":
        return col.nunique().cast("int64")
    if col.type().is_boolean():
        col = col.cast("int64")
    # An empty group sums to null; a side with rows but all-null values counts 0.
    return col.sum().fill_null(0).cast("int64")


def _latest(t: ir.Table, per: str, by: str) -> ir.Table:
    """Rows on each entity's last ``by`` date in the period (all rows of a tied last day)."""
    last = t.group_by(_l_per=t[per], _l_period=t.period_id).aggregate(_l_day=t[by].max())
    j = t.join(last, [t[per] == last._l_per, t.period_id == last._l_period, t[by] == last._l_day])
    return j.drop("_l_per", "_l_period", "_l_day")


def _entities(t: ir.Table, side: Side, org_col: str) -> ir.Table:
    """One row per entity × period meeting ``having``: its unit and date are the latest seen.

    An entity with rows at several units in a period is attributed to the greatest unit id,
    a deterministic choice both backends make identically.
    """
    assert side.per and side.having
    g = t.group_by(t[side.per], t.period_id, t.grain).aggregate(
        _n=t.count(), **{org_col: t[org_col].max()}, as_of=t.as_of.max()
    )
    cond = Condition(column="_n", op=side.having.op, value=side.having.value)
    return g.filter(_predicate(g, cond))


def attributed_to(side: Side, attribution: str) -> str:
    """The column naming the unit a side's rows count for (属地 home unit or institution)."""
    return "home_unit_id" if (side.attribution or attribution) == "resident" else "institution_id"


def columns_read(side: Side, org_col: str) -> frozenset[str]:
    """The view columns a side's computation reads: filters, measure, entity, and the unit
    column ``org_col`` it is attributed by."""
    cols = {c.column for c in (*side.where, *side.then)}
    cols |= {c for c in (side.measure.column, side.per, side.latest) if c}
    return frozenset(cols | {org_col})


def _counts_records(side: Side) -> bool:
    """Counting distinct values of the record set's own key is counting its rows: a view
    holds each record at most once per period (the warehouse keeps keys unique)."""
    m = side.measure
    return m.kind == "count" or (
        m.kind == "count_distinct" and schemas.get(side.records).key == (m.column,)
    )


def batchable(side: Side) -> bool:
    """Additive sides with plain filters can share one pass over their view."""
    additive = side.measure.kind == "sum" or _counts_records(side)
    return additive and not (side.latest or side.having)


def _dated_closure(closure: ir.Table) -> ir.Table:
    return closure.select(
        _c_desc=closure.descendant_id,
        _c_anc=closure.ancestor_id,
        _c_from=closure.valid_from,
        _c_to=closure.valid_to,
    )


def _roll_up(t: ir.Table, org_col: str, closure: ir.Table, sums: list[str]) -> ir.Table:
    """Sum partial columns up the dated hierarchy: each row counts for every ancestor its
    unit belonged to on the row's ``as_of`` day."""
    c = _dated_closure(closure)
    j = t.join(c, [t[org_col] == c._c_desc, c._c_from <= t.as_of, c._c_to >= t.as_of])
    return j.group_by(org_id=j._c_anc, period_id=j.period_id, grain=j.grain).aggregate(
        **{name: j[name].sum().fill_null(0).cast("int64") for name in sums}
    )


def compile_batch(
    view: ir.Table,
    batch: Sequence[Side],
    org_col: str,
    closure: ir.Table,
    months: ir.Table | None = None,
    ends: ir.Table | None = None,
) -> ir.Table:
    """Several additive sides of one view in one pass.

    Columns ``org_id, period_id, grain`` and, for the i-th side, ``v{i}`` (its value) and
    ``n{i}`` (how many records matched, so a unit with no matching record is told apart from
    one whose records sum to 0). ``view`` is a stock view (one row per record × period) or,
    with ``months`` (the ``period_months`` table), an event view not yet placed in periods:
    events are summed per unit × day first and only those partial sums are placed in periods
    and rolled up, so the joins touch thousands of rows, not millions. Likewise, with
    ``ends`` (the ``periods`` table), a stock view built over the distinct period ends only
    (no ``period_id``): a month, its quarter and the year ending that day share one count per
    unit, placed in those periods after it is summed.
    """
    assert batch and all(batchable(s) for s in batch)
    aggs: dict[str, ir.Value] = {}
    for i, side in enumerate(batch):
        preds = [_predicate(view, c) for c in (*side.where, *side.then)]
        col = None if _counts_records(side) else view[side.measure.column]
        if col is not None and col.type().is_boolean():
            col = col.cast("int64")
        if preds:
            # SQL semantics: a null comparison does not match.
            hit = reduce(operator.and_, preds).fill_null(False)
            aggs[f"n{i}"] = hit.cast("int64").sum()
            aggs[f"v{i}"] = aggs[f"n{i}"] if col is None else ibis.ifelse(hit, col, 0).sum()
        else:
            aggs[f"n{i}"] = view.count()
            aggs[f"v{i}"] = aggs[f"n{i}"] if col is None else col.sum()
    keys = {"_unit": view[org_col], "as_of": view.as_of}
    if ends is not None:
        t = view.group_by(**keys).aggregate(**aggs)
        p = ends.select(_e_end=ends.period_end, period_id=ends.period_id, grain=ends.grain)
        t = t.join(p, t.as_of == p._e_end).drop("_e_end")
    elif months is None:
        keys.update(period_id=view.period_id, grain=view.grain)
        t = view.group_by(**keys).aggregate(**aggs)
    else:
        t = view.group_by(**keys, month=view.month).aggregate(**aggs).join(months, "month")
    return _roll_up(t, "_unit", closure, list(aggs))


def compile_side(
    view: ir.Table,
    side: Side,
    attribution: str,
    closure: ir.Table,
    months: ir.Table | None = None,
) -> ir.Table:
    """One side per (ancestor org, period): ``org_id, period_id, grain, v0, n0``.

    Order: ``where`` → ``latest`` (last row per entity) → ``then`` → ``having`` → measure.
    ``n0`` > 0 marks a unit × period where the side matched records.
    """
    org_col = attributed_to(side, attribution)
    if batchable(side):
        return compile_batch(view, [side], org_col, closure, months)
    t = view if months is None else view.join(months, "month")
    if side.where:
        t = t.filter([_predicate(t, c) for c in side.where])
    if side.latest:
        assert side.per
        t = _latest(t, side.per, side.latest)
    if side.then:
        t = t.filter([_predicate(t, c) for c in side.then])
    if side.having:
        t = _entities(t, side, org_col)
    if side.measure.kind != "count_distinct" or (months is None and org_col == "home_unit_id"):
        # Additive: collapse to one row per unit × day × period before the roll-up join.
        # Distinct counts are additive too in a stock view by home unit: every row of a period
        # has the same ``as_of``, and the home unit is a function of the person (the residents
        # registry), so the units' sets of distinct people are disjoint.
        t = t.group_by(
            _unit=t[org_col], as_of=t.as_of, period_id=t.period_id, grain=t.grain
        ).aggregate(v0=_measure(t, side.measure))
        return _roll_up(t, "_unit", closure, ["v0"]).mutate(n0=ibis.literal(1, type="int64"))
    # A person seen at two institutions counts once in their county: distinct per ancestor.
    c = _dated_closure(closure)
    j = t.join(c, [t[org_col] == c._c_desc, c._c_from <= t.as_of, c._c_to >= t.as_of])
    return j.group_by(org_id=j._c_anc, period_id=j.period_id, grain=j.grain).aggregate(
        v0=_measure(j, side.measure), n0=ibis.literal(1, type="int64")
    )


def side_key(side: Side, attribution: str) -> str:
    """Identity of a side's computation: equal keys give equal results, computed once."""
    return f"{attributed_to(side, attribution)}|{side.model_dump_json(exclude={'factor'})}"


def sides(indicator: Indicator) -> tuple[Side, Side | None]:
    """An indicator's (numerator, denominator); the denominator is None for a count."""
    if indicator.kind == "growth":
        raise ValueError(
            f"{indicator.id} 是增长率指标，由基础指标的值计算 / "
            f"{indicator.id} is a growth rate, computed from its base indicator's values"
        )
    if indicator.kind == "reported":
        raise ValueError(
            f"{indicator.id} 是上报指标，由 yigai.aggregates 填报 / "
            f"{indicator.id} is a reported indicator, supplied by yigai.aggregates"
        )
    assert indicator.numerator and indicator.attribution
    return indicator.numerator, indicator.denominator

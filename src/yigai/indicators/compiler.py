"""Compiler (指标编译): a catalogue entry → one Ibis expression over all periods and org units.

Each side (numerator, denominator) is filtered, attributed to an org unit, joined to the
dated closure table (event date for events, period end for stocks — the view's ``as_of``)
and aggregated per ancestor × period. Numerators and denominators are aggregated
**separately** at every level, so a county's rate is Σ numerators ÷ Σ denominators of its
records, never an average of its institutions' rates. ``count_distinct`` is counted at each
level directly, so a person seen at two institutions counts once in their county.

The result columns are ``org_id, period_id, grain, numerator, denominator`` (int64). This
module knows nothing of DuckDB or Spark.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from yigai.indicators import views
from yigai.indicators.model import Condition, Indicator, Measure, Side

KEYS = ("org_id", "period_id", "grain")


def _predicate(table: ir.Table, cond: Condition) -> ir.BooleanValue:
    """One filter. SQL semantics: a null compares as not matching (except ``is_null``)."""
    col = table[cond.column]
    v = cond.value
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


def compile_side(view: ir.Table, side: Side, attribution: str, closure: ir.Table) -> ir.Table:
    """Aggregate one side per (ancestor org, period): columns ``org_id, period_id, grain, value``."""
    t = view
    if side.where:
        t = t.filter([_predicate(t, c) for c in side.where])
    org_col = "home_unit_id" if attribution == "resident" else "institution_id"
    c = closure.select(
        _c_desc=closure.descendant_id,
        _c_anc=closure.ancestor_id,
        _c_from=closure.valid_from,
        _c_to=closure.valid_to,
    )
    if side.measure.kind != "count_distinct":
        # Counts and sums are additive: collapse the records to one row per unit × day ×
        # period before the dated roll-up join, so the join touches thousands of rows, not
        # millions times the depth of the hierarchy.
        t = t.group_by(
            _unit=t[org_col], as_of=t.as_of, period_id=t.period_id, grain=t.grain
        ).aggregate(_partial=_measure(t, side.measure))
        org_col = "_unit"
    j = t.join(c, [t[org_col] == c._c_desc, c._c_from <= t.as_of, c._c_to >= t.as_of])
    if side.measure.kind != "count_distinct":
        value = j._partial.sum().fill_null(0).cast("int64")
    else:
        value = _measure(j, side.measure)
    return j.group_by(org_id=j._c_anc, period_id=j.period_id, grain=j.grain).aggregate(
        value=value
    )


def compile_indicator(
    indicator: Indicator, tables: Mapping[str, ir.Table], built: dict[str, ir.Table] | None = None
) -> ir.Table:
    """One expression giving ``org_id, period_id, grain, numerator, denominator`` (int64).

    ``built`` caches the enriched views across indicators of one run.
    """
    if indicator.kind != "ratio":
        raise ValueError(
            f"{indicator.id} 是增长率指标，由基础指标的值计算 / "
            f"{indicator.id} is a growth rate, computed from its base indicator's values"
        )
    assert indicator.numerator and indicator.denominator and indicator.attribution
    cache = {} if built is None else built

    def view(name: str) -> ir.Table:
        if name not in cache:
            cache[name] = views.BUILDERS[name](tables)
        return cache[name]

    closure = tables["closure"]
    num = compile_side(
        view(indicator.numerator.records), indicator.numerator, indicator.attribution, closure
    )
    den = compile_side(
        view(indicator.denominator.records), indicator.denominator, indicator.attribution, closure
    )
    zero = ibis.literal(0, type="int64")
    both = num.select(*KEYS, numerator=num.value, denominator=zero).union(
        den.select(*KEYS, numerator=zero, denominator=den.value), distinct=False
    )
    return both.group_by(list(KEYS)).aggregate(
        numerator=both.numerator.sum().cast("int64"),
        denominator=both.denominator.sum().cast("int64"),
    )

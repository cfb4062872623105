"""Query plan (计算计划): a catalogue's sides in as few queries as possible.

Indicators share sides (门急诊人次 is the denominator of several rates) and views (most read
``encounters``). The plan computes each distinct side once, and puts every additive side of
one view into a single pass over it (:func:`yigai.indicators.compiler.compile_batch`), so a
catalogue of forty indicators reads the encounter view a handful of times, not eighty.

Only indicators that a growth rate is based on are computed over last year's periods too;
the rest see only the requested periods. Like the compiler, this module builds backend-free
Ibis expressions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import ibis.expr.types as ir

from yigai.indicators import views
from yigai.indicators.compiler import (
    attributed_to,
    batchable,
    columns_read,
    compile_batch,
    compile_side,
    side_key,
    sides,
)
from yigai.indicators.model import Indicator, Side


@dataclass(frozen=True)
class Query:
    """One expression: ``org_id, period_id, grain`` then ``v{i}, n{i}`` for ``keys[i]``."""

    expr: ir.Table
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    queries: tuple[Query, ...]
    #: indicator id → (numerator key, denominator key or None for a count)
    sides: dict[str, tuple[str, str | None]]


def _narrowed(tables: Mapping[str, ir.Table], period_ids: Sequence[str]) -> dict[str, ir.Table]:
    out = dict(tables)
    for name in ("periods", "period_months"):
        t = tables[name]
        out[name] = t.filter(t.period_id.isin(list(period_ids)))
    return out


def plan(
    indicators: Iterable[Indicator],
    tables: Mapping[str, ir.Table],
    *,
    requested: Sequence[str] | None = None,
    wide: frozenset[str] = frozenset(),
) -> Plan:
    """Plan the ratio and count ``indicators`` over ``tables`` (record sets + derived tables).

    ``tables`` cover every period needed; indicators not in ``wide`` are computed only over
    the ``requested`` period ids (all periods when None).
    """
    indicators = list(indicators)
    scopes = {True: dict(tables)}
    scopes[False] = scopes[True] if requested is None else _narrowed(tables, requested)

    def view(name: str, is_wide: bool, reads: frozenset[str], by_end: bool = False) -> ir.Table:
        scope = scopes[is_wide]
        if by_end:  # a stock counted once per distinct period end (compile_batch's ``ends``)
            p = scope["periods"]
            scope = {**scope, "periods": p.select(p.period_end, p.end_mask).distinct()}
        return views.lean(name, scope, reads)

    def ends(records: str, is_wide: bool) -> ir.Table | None:
        return scopes[is_wide]["periods"] if records in views.STOCK_VIEWS else None

    def months(records: str, is_wide: bool) -> ir.Table | None:
        return scopes[is_wide]["period_months"] if records in views.EVENT_VIEWS else None

    # Additive sides of one view and unit column share one pass. The pass covers last year's
    # periods when any of them needs it: one scan of the files, not a second one for the
    # growth bases (the others' extra periods are dropped when the results are assembled).
    wanted_sides = [
        (ind, side, requested is None or ind.id in wide)
        for ind in indicators
        for side in sides(ind)
        if side is not None
    ]
    group_wide: dict[tuple[str, str], bool] = {}
    for ind, side, is_wide in wanted_sides:
        if batchable(side):
            group = (side.records, attributed_to(side, ind.attribution or ""))
            group_wide[group] = group_wide.get(group, False) or is_wide

    batches: dict[tuple[str, str], dict[str, Side]] = {}
    singles: dict[str, tuple[Side, str, bool]] = {}
    keys: dict[str, tuple[str, str | None]] = {}
    for ind in indicators:
        attribution = ind.attribution or ""
        pair: list[str | None] = []
        for side in sides(ind):
            if side is None:
                pair.append(None)
                continue
            is_wide = requested is None or ind.id in wide
            group = (side.records, attributed_to(side, attribution))
            if batchable(side):
                is_wide = group_wide[group]
            key = f"{side_key(side, attribution)}|{'wide' if is_wide else 'narrow'}"
            pair.append(key)
            if batchable(side):
                batches.setdefault(group, {})[key] = side
            else:
                singles[key] = (side, attribution, is_wide)
        num, den = pair
        assert num is not None
        keys[ind.id] = (num, den)

    closure = tables["closure"]
    queries = []
    for (records, org_col), members in batches.items():
        is_wide = group_wide[records, org_col]
        reads = frozenset().union(*(columns_read(s, org_col) for s in members.values()))
        expr = compile_batch(
            view(records, is_wide, reads, by_end=records in views.STOCK_VIEWS),
            list(members.values()),
            org_col,
            closure,
            months(records, is_wide),
            ends(records, is_wide),
        )
        queries.append(Query(expr, tuple(members)))
    for key, (side, attribution, is_wide) in singles.items():
        reads = columns_read(side, attributed_to(side, attribution))
        expr = compile_side(
            view(side.records, is_wide, reads),
            side,
            attribution,
            closure,
            months(side.records, is_wide),
        )
        queries.append(Query(expr, (key,)))
    return Plan(tuple(queries), keys)

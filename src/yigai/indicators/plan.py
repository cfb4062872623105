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
    scopes = {True: dict(tables)}
    scopes[False] = scopes[True] if requested is None else _narrowed(tables, requested)
    built: dict[tuple[str, bool], ir.Table] = {}

    def view(name: str, is_wide: bool) -> ir.Table:
        if (name, is_wide) not in built:
            built[name, is_wide] = views.BUILDERS[name](scopes[is_wide])
        return built[name, is_wide]

    batches: dict[tuple[str, str, bool], dict[str, Side]] = {}
    singles: dict[str, tuple[Side, str, bool]] = {}
    keys: dict[str, tuple[str, str | None]] = {}
    for ind in indicators:
        is_wide = requested is None or ind.id in wide
        attribution = ind.attribution or ""
        pair: list[str | None] = []
        for side in sides(ind):
            if side is None:
                pair.append(None)
                continue
            key = f"{side_key(side, attribution)}|{'wide' if is_wide else 'narrow'}"
            pair.append(key)
            if batchable(side):
                group = (side.records, attributed_to(side, attribution), is_wide)
                batches.setdefault(group, {})[key] = side
            else:
                singles[key] = (side, attribution, is_wide)
        num, den = pair
        assert num is not None
        keys[ind.id] = (num, den)

    def months(records: str, is_wide: bool) -> ir.Table | None:
        return scopes[is_wide]["period_months"] if records in views.EVENT_VIEWS else None

    closure = tables["closure"]
    queries = [
        Query(
            compile_batch(
                view(records, is_wide),
                list(members.values()),
                org_col,
                closure,
                months(records, is_wide),
            ),
            tuple(members),
        )
        for (records, org_col, is_wide), members in batches.items()
    ]
    queries += [
        Query(
            compile_side(
                view(side.records, is_wide),
                side,
                attribution,
                closure,
                months(side.records, is_wide),
            ),
            (key,),
        )
        for key, (side, attribution, is_wide) in singles.items()
    ]
    return Plan(tuple(queries), keys)

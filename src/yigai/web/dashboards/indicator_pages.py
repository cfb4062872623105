"""监测指标 pages: a unit's catalogue against its targets, one indicator's definition and
counts with its trend and the ranking of the units below, and the drill-down by unit.

Aggregates only: every figure is an indicator value (numerator, denominator, value) of an org
unit; no page reads a personal record set.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from fastapi import APIRouter, Request, Response

from yigai.indicators.docs import formula
from yigai.orgs.hierarchy import OrgInfo
from yigai.periods import Period
from yigai.reports.model import Direction
from yigai.reports.sections import IndicatorRow
from yigai.reports.status import Status
from yigai.service.deps import Ctx, Db
from yigai.web.dashboards import views
from yigai.web.dashboards.common import INDICATORS, Scene, Words, chart_json, number, scene
from yigai.web.guard import guarded
from yigai.web.render import page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Place:
    """The unit, its path, its children and the period: what every indicator page shows."""

    unit: OrgInfo
    period: Period
    path_units: list[OrgInfo]
    kids: list[OrgInfo]
    choices: list[Period]
    w: Words

    def context(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _place(request: Request, ctx: Ctx, s: Scene, unit_id: str | None) -> Place:
    unit = views.unit(ctx.orgs, s.me, unit_id)
    return Place(
        unit=unit,
        period=s.figs.period(request.query_params.get("period")),
        path_units=views.path(ctx.orgs, s.me, unit.org_id),
        kids=views.children(ctx.orgs, s.me, unit.org_id),
        choices=s.figs.choices(),
        w=Words(s.t),
    )


@router.get("/indicators")
@guarded
def catalogue_page(request: Request, ctx: Ctx, db: Db) -> Response:
    s = scene(request, ctx, db, INDICATORS)
    place = _place(request, ctx, s, request.query_params.get("unit"))
    rows = views.catalogue_rows(s.figs, place.unit, place.period)
    counts = {st: sum(r.status is st for r in rows) for st in Status}
    return page(request, "indicators.html", s.me, rows=rows, counts=counts, **place.context())


@router.get("/units/{org_id}")
@guarded
def unit_page(org_id: str, request: Request, ctx: Ctx, db: Db) -> Response:
    s = scene(request, ctx, db, INDICATORS)
    place = _place(request, ctx, s, org_id)
    keys = views.key_indicators()
    table = views.rows_for(s.figs, [place.unit, *place.kids], place.period, keys)
    metas = [m for m in views.metas() if m.id in keys]
    return page(request, "unit.html", s.me, keys=metas, table=table, **place.context())


@router.get("/indicators/{indicator_id}")
@guarded
def indicator_page(indicator_id: str, request: Request, ctx: Ctx, db: Db) -> Response:
    s = scene(request, ctx, db, INDICATORS)
    ind = views.indicator(indicator_id)
    place = _place(request, ctx, s, request.query_params.get("unit"))
    unit, period, w = place.unit, place.period, place.w
    own = views.rows_for(s.figs, [unit], period, [ind.id])[unit.org_id][ind.id]
    shown = views.shown_period(own, period)
    by_kid = views.rows_for(s.figs, place.kids, period, [ind.id])
    ranked = _ranked([(k, by_kid[k.org_id][ind.id]) for k in place.kids], own)
    trend = views.trend(s.figs, ind.id, unit.org_id, shown)
    chart = {
        "trend": {
            "periods": [w.period(p.period) for p in trend],
            "values": [number(p.value) for p in trend],
        },
        "ranking": {
            "units": [k.name for k, _ in ranked],
            "ids": [k.org_id for k, _ in ranked],
            "values": [number(r.value) for _, r in ranked],
            "status": [w.status_class(r.status) for _, r in ranked],
        },
        "target": number(own.target.value) if own.target else None,
        "labels": {"value": s.t("value"), "target": s.t("target_line")},
        "link": f"/indicators/{ind.id}?period={period.id}&unit=",
    }
    return page(
        request,
        "indicator.html",
        s.me,
        ind=ind,
        formula=formula(ind),
        own=own,
        shown=shown,
        counts=s.figs.value(ind.id, unit.org_id, shown),
        ranked=ranked,
        chart=chart_json(chart),
        **place.context(),
    )


Ranked = list[tuple[OrgInfo, IndicatorRow]]


def _ranked(pairs: Ranked, own: IndicatorRow) -> Ranked:
    """Units with a value, best first in the indicator's direction (ties by id)."""
    sign = -1 if own.meta.direction is Direction.HIGHER else 1
    with_value = [(u, r) for u, r in pairs if r.value is not None]
    return sorted(with_value, key=lambda p: (sign * (p[1].value or 0), p[0].org_id))

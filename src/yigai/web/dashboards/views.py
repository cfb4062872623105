"""What the indicator pages show, built only from the bulletin's own functions.

A unit's catalogue is :func:`yigai.reports.indicator_section.indicator_row` — the bulletin's
表1 rule (target chosen by scope and deadline, 红黄绿 status with the dated
``status.amber_tolerance``, year-only indicators, 填报 marks) — run over a
:class:`~yigai.reports.model.ReportData` whose region is the unit. Nothing here decides a
status or a target.

The drill-down follows the roll-up path (:mod:`yigai.orgs.hierarchy`): province → city →
county → community → institution; a county's children are its communities and the
institutions in no community (they roll up straight to the county). Only units in the
user's scope are listed; a unit outside it is a 404, as in the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from yigai.auth.orgs import OrgTree
from yigai.auth.principal import Principal, not_found
from yigai.indicators import catalogue as catalogue_mod
from yigai.indicators import targets as targets_mod
from yigai.indicators.model import Indicator
from yigai.orgs.hierarchy import OrgInfo
from yigai.orgs.model import OrgKind
from yigai.periods import Period
from yigai.reports import params
from yigai.reports.assemble import header, indicator_meta, report_targets
from yigai.reports.indicator_section import indicator_row
from yigai.reports.model import IndicatorMeta, OrgUnit, ReportData
from yigai.reports.sections import IndicatorRow
from yigai.web.dashboards.figures import Figures

UNIT_WHAT = "单位 / org unit"

#: Indicators shown beside each child in the drill-down (the bulletin's headline figures).
KEY_INDICATORS = (
    "in_county_visit_rate",
    "primary_visit_rate",
    "drug_share",
    "general_contract_rate",
)


@cache
def catalogue() -> catalogue_mod.Catalogue:
    return catalogue_mod.default()


@cache
def metas() -> tuple[IndicatorMeta, ...]:
    return tuple(indicator_meta(catalogue()))


def indicator(indicator_id: str) -> Indicator:
    """A catalogue entry; an unknown id is a 404 page."""
    if indicator_id not in catalogue():
        raise not_found("指标 / indicator")
    return catalogue()[indicator_id]


def key_indicators() -> list[str]:
    known = {m.id for m in metas()}
    return [i for i in KEY_INDICATORS if i in known]


# --- the unit tree ------------------------------------------------------------------------


def unit(orgs: OrgTree, me: Principal, org_id: str | None) -> OrgInfo:
    """The unit asked for, or the user's own top unit; 404 when missing or out of scope."""
    chosen = org_id or default_unit(orgs, me)
    me.require_unit(chosen, UNIT_WHAT)
    info = orgs.info.get(chosen or "")
    if info is None:
        raise not_found(UNIT_WHAT)
    return info


def default_unit(orgs: OrgTree, me: Principal) -> str | None:
    """The user's top unit: the first granted root; for ``*`` the first county."""
    if me.everything:
        counties = sorted(u.org_id for u in orgs.info.values() if u.kind == OrgKind.COUNTY)
        return counties[0] if counties else None
    roots = sorted(r for r in me.roots if r in orgs.info)
    return roots[0] if roots else None


def _community_of(orgs: OrgTree) -> dict[str, str]:
    kids = orgs.children()
    return {
        member: c
        for c, info in orgs.info.items()
        if info.kind == OrgKind.COMMUNITY
        for member in kids.get(c, ())
    }


def children(orgs: OrgTree, me: Principal, org_id: str) -> list[OrgInfo]:
    """The units one level down the roll-up path, in scope: communities first."""
    kids = orgs.children().get(org_id, [])
    info = orgs.info
    if info[org_id].kind == OrgKind.COUNTY:
        in_community = set(_community_of(orgs))
        kids = [
            k
            for k in kids
            if k in info and (info[k].kind == OrgKind.COMMUNITY or k not in in_community)
        ]
    found = [info[k] for k in kids if k in info and me.in_scope(k)]
    order = {OrgKind.COUNTY: 0, OrgKind.COMMUNITY: 1}
    return sorted(found, key=lambda u: (order.get(OrgKind(u.kind), 2), u.org_id))


def path(orgs: OrgTree, me: Principal, org_id: str) -> list[OrgInfo]:
    """The units above ``org_id`` on its roll-up path that the user may open, top first."""
    info, community = orgs.info, _community_of(orgs)
    out: list[OrgInfo] = []
    seen = {org_id}
    current: str | None = community.get(org_id) or info[org_id].parent_id
    while current is not None and current in info and current not in seen:
        seen.add(current)
        if me.in_scope(current):
            out.append(info[current])
        current = community.get(current) or info[current].parent_id
    return out[::-1]


def org_unit(u: OrgInfo) -> OrgUnit:
    return OrgUnit(u.org_id, u.name, OrgKind(u.kind))


# --- rows ---------------------------------------------------------------------------------


def needed(figs: Figures, period: Period) -> list[Period]:
    """The periods a unit's rows read: the trend up to it, the previous, last year's, and the
    years a year-only indicator shows in a period that closes the year."""
    wanted = {*figs.trend(period), period.previous(), period.same_period_last_year()}
    year = Period.year(period.end.year)
    wanted |= {year, year.same_period_last_year()}
    return sorted(wanted, key=lambda p: (p.start, p.end))


def report_of(figs: Figures, region: OrgInfo, period: Period, units: list[OrgInfo]) -> ReportData:
    """The bulletin's data for ``region`` (and the units compared with it) in ``period``."""
    known = {m.id for m in metas()}
    orgs = [region.org_id, *(u.org_id for u in units)]
    return ReportData(
        header=header(region, None, period, "bulletin"),
        period=period,
        region=org_unit(region),
        units=[org_unit(u) for u in units],
        indicators=metas(),
        results=figs.rows(orgs, needed(figs, period)),
        targets=report_targets(period, known),
    )


def tolerance(period: Period) -> Decimal:
    return params.load("status.amber_tolerance").at(period.end)


def catalogue_rows(figs: Figures, region: OrgInfo, period: Period) -> list[IndicatorRow]:
    """Every indicator of ``region`` in ``period``: the bulletin's 表1 rows."""
    return list(rows_for(figs, [region], period, [m.id for m in metas()])[region.org_id].values())


#: Units × periods × indicator choices remembered per figures before the memo starts afresh.
DERIVED_SIZE = 4096


def rows_for(
    figs: Figures, units: list[OrgInfo], period: Period, indicator_ids: list[str]
) -> dict[str, dict[str, IndicatorRow]]:
    """``{org_id: {indicator_id: row}}`` for each unit: the same rule, unit by unit (each
    unit's own target by scope), in catalogue order.

    Remembered with the figures (so per warehouse state and reported rows) for the targets
    and the amber tolerance in force: a changed target file or parameter is computed afresh.
    """
    tol = tolerance(period)
    in_force = targets_mod.default()  # the same object until a target file changes
    chosen = [m for m in metas() if m.id in indicator_ids]
    ids = tuple(m.id for m in chosen)
    out: dict[str, dict[str, IndicatorRow]] = {}
    for u in units:
        key = ("rows", u, period, ids)
        held: Any = figs.derived.get(key)
        if held is None or held[0] is not in_force or held[1] != tol:
            data = report_of(figs, u, period, [])
            held = (in_force, tol, {m.id: indicator_row(data, m, tol) for m in chosen})
            if len(figs.derived) >= DERIVED_SIZE:
                figs.derived.clear()
            figs.derived[key] = held
        out[u.org_id] = held[2]
    return out


def shown_period(row: IndicatorRow, period: Period) -> Period:
    """The period whose value a row shows (the year's for a year-only indicator)."""
    return Period.year(period.end.year) if row.basis == "year" else period


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    value: Decimal | None


def trend(figs: Figures, indicator_id: str, org_id: str, period: Period) -> list[TrendPoint]:
    """The unit's values over the trend periods of ``period``'s grain, from its first value
    (periods before the data begin are left out, gaps after it stay gaps)."""
    out: list[TrendPoint] = []
    for p in figs.trend(period):
        found = figs.value(indicator_id, org_id, p)
        value = None if found is None else found.value
        if out or value is not None:
            out.append(TrendPoint(p, value))
    return out

"""The latest assessment as the bulletin runs it, for the units a user may see.

The scheme, the peer group and the rules are the bulletin's (:mod:`yigai.reports.assemble`):
the scheme of the period's grain (quarter → 基层医疗卫生机构, year → 医共体), and in the
quarter that closes a year the communities' annual scheme as well; the peer group is the
county's compared units (the rank is the county's rank, whoever looks at it); stored manual
scores (:func:`yigai.reports.assessment.entered_scores`) are read as every command reads
them; items that cannot be scored are explained, and such totals are provisional (暂定).
Only the rows of units in the user's scope below the chosen unit are shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from yigai import assess
from yigai.assess.model import SCHEME_DIR
from yigai.auth.orgs import OrgTree
from yigai.auth.principal import Principal
from yigai.indicators import targets as targets_mod
from yigai.orgs.hierarchy import OrgInfo
from yigai.orgs.model import OrgKind
from yigai.periods import Grain, Period
from yigai.records.versions import read_in_force
from yigai.reports.assemble import (
    ANNUAL_SCHEME,
    SCHEME_FOR_GRAIN,
    compare_units,
    run_assessment,
)
from yigai.reports.assessment import entered_scores
from yigai.warehouse import Warehouse
from yigai.web.dashboards.figures import Figures
from yigai.web.dashboards.views import metas

_MISSING: Any = object()
#: Results by (figures, county, scheme, period, stored manual scores): the figures object is
#: replaced when a batch lands or a reported value changes, and the manual scores are read
#: afresh on every request, so a remembered result is never stale.
_memo: dict[tuple[str, str, str, str, str], Any] = {}
_MEMO_SIZE = 32


def _remember(key: tuple[str, str, str, str, str], done: Any) -> None:
    if len(_memo) >= _MEMO_SIZE:
        _memo.clear()
    _memo[key] = done


#: Parsed shipped schemes by (file, modification time): parsing the YAML was most of the
#: page's time, and a changed file is parsed again.
_schemes: dict[tuple[str, int], assess.Scheme] = {}


def shipped_scheme(scheme_id: str) -> assess.Scheme:
    """The shipped scheme ``scheme_id`` (:func:`yigai.assess.load_scheme`), parsed once per
    version of its file."""
    path = SCHEME_DIR / f"{scheme_id}.yaml"
    key = (str(path), path.stat().st_mtime_ns)
    found = _schemes.get(key)
    if found is None:
        found = _schemes[key] = assess.load_scheme(path)
    return found


@dataclass(frozen=True)
class SchemeView:
    """One scheme's result, cut to the rows the user may see."""

    scheme: assess.Scheme
    period: Period
    orgs: list[assess.OrgAssessment]
    items: dict[str, list[assess.ItemScore]]
    consequences: dict[str, list[assess.Consequence]]
    provisional: frozenset[str]
    peers: int  # units ranked (the whole peer group, not only those shown)


def peer_region(orgs: OrgTree, unit: OrgInfo) -> OrgInfo:
    """The county whose units ``unit``'s units are ranked with (``unit`` itself above one)."""
    current: OrgInfo | None = unit
    seen = 0
    while current is not None and seen < 10:
        if current.kind == OrgKind.COUNTY:
            return current
        current = orgs.info.get(current.parent_id or "")
        seen += 1
    return unit


def latest(
    wh: Warehouse,
    session: Session,
    figs: Figures,
    orgs: OrgTree,
    me: Principal,
    unit: OrgInfo,
    period: Period,
) -> list[SchemeView]:
    """The assessments the bulletin of ``period`` prints, limited to what ``me`` may see."""
    schemes: list[tuple[assess.Scheme, Period]] = []
    own = SCHEME_FOR_GRAIN.get(period.grain)  # as the bulletin's pick_scheme(period, None)
    if own is not None:
        schemes.append((shipped_scheme(own), period))
    if period.grain is Grain.QUARTER and period.end == dt.date(period.end.year, 12, 31):
        schemes.append((shipped_scheme(ANNUAL_SCHEME), Period.year(period.end.year)))
    region = peer_region(orgs, unit)
    org_units = read_in_force(wh, "org_units", period.end)
    peers = {u.org_id for u in compare_units(orgs.info, region.org_id)}
    mask = [o in peers for o in org_units.column("org_id").to_pylist()]
    table = org_units.filter(pa.array(mask, pa.bool_()))
    visible = {o for o in orgs.units(frozenset({unit.org_id})) if me.in_scope(o)}
    known = {m.id for m in metas()}
    out = []
    for scheme, when in schemes:
        entered = entered_scores(session, scheme, when, None)
        key = (figs.token, region.org_id, scheme.id, when.id, repr(entered))
        done = _memo.get(key, _MISSING)
        if done is _MISSING:
            done = run_assessment(
                scheme, figs.table, targets_mod.default(), when, table, known, entered
            )
            _remember(key, done)
        if done is None:
            continue
        result = done.result
        shown = [o for o in result.orgs if o.org_id in visible]
        out.append(
            SchemeView(
                scheme=scheme,
                period=when,
                orgs=sorted(shown, key=lambda o: (o.rank, o.org_id)),
                items={o.org_id: result.items_of(o.org_id) for o in shown},
                consequences={
                    o.org_id: [c for c in done.consequences if c.org_id == o.org_id] for o in shown
                },
                provisional=result.provisional_orgs,
                peers=len(result.orgs),
            )
        )
    return out

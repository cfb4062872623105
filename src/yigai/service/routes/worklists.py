"""Worklists (工作清单) and signing rates: lists filtered to the caller's scope by the library.

``GET /api/worklists/followups`` due and overdue chronic follow-ups (per doctor or team);
``GET /api/worklists/renewals`` contracts ending soon; ``GET /api/rates/signing`` signing
rates by group against their targets (aggregates: no resident is named).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from yigai.community import contracts, worklists
from yigai.community._common import local_day
from yigai.service.deps import Ctx, Db, Me
from yigai.service.fields import UserQuery

router = APIRouter(prefix="/api", tags=["worklists"])

Days = Annotated[int, Query(ge=0, le=366, description="天数 / days ahead")]


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value is not None and not isinstance(value, (int, bool, str)) else value


@router.get("/worklists/followups", summary="到期与逾期随访 / follow-ups due and overdue")
def followups_due(
    me: Me,
    ctx: Ctx,
    db: Db,
    within_days: Days = 7,
    doctor: UserQuery = None,
    team_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> dict[str, Any]:
    rows = worklists.followups_due(
        db,
        me,
        today=local_day(ctx.clock()),
        within_days=within_days,
        doctor=doctor,
        team_id=team_id,
    )
    items = [{k: _plain(v) for k, v in dataclasses.asdict(r).items()} for r in rows]
    return {"items": items, "total": len(items)}


@router.get("/worklists/renewals", summary="即将到期的签约 / contracts due for renewal")
def renewals_due(me: Me, ctx: Ctx, db: Db, within_days: Days = 30) -> dict[str, Any]:
    rows = worklists.contracts_due_for_renewal(
        db, me, today=local_day(ctx.clock()), within_days=within_days
    )
    items = [
        {
            "contract_id": c.id,
            "person_id": c.person_id,
            "team_id": c.team_id,
            "institution_id": c.institution_id,
            "package": c.package,
            "valid_to": c.valid_to.isoformat(),
        }
        for c in rows
    ]
    return {"items": items, "total": len(items)}


@router.get("/rates/signing", summary="签约率（分人群，对照目标）/ signing rates vs targets")
def signing_rates(
    me: Me, ctx: Ctx, db: Db, day: Annotated[dt.date | None, Query()] = None
) -> dict[str, Any]:
    on = day or local_day(ctx.clock())
    rates = contracts.signing_rates(db, me, ctx.directory, day=on)
    return {
        "day": on.isoformat(),
        "groups": [{k: _plain(v) for k, v in dataclasses.asdict(r).items()} for r in rates],
    }

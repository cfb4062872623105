"""双向转诊 routes: request, read, the five transitions, and the receiving worklist.

Thin over :mod:`yigai.community.referrals` (the state machine, scope checks and audit entries
live there): a transition that is not allowed from the present state, or that lost a race to
another user, is 409 naming the state.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from yigai.community import referrals as lib
from yigai.community import worklists
from yigai.service.deps import Ctx, Db, Me
from yigai.service.fields import IDENT, PLAIN
from yigai.store.models_community import Referral

router = APIRouter(prefix="/api", tags=["referrals"])

ReferralId = Annotated[int, Path(ge=1, le=2**62, description="转诊单号 / referral id")]


class ReferralIn(BaseModel):
    person_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    direction: Literal["up", "down"]
    from_institution_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    reason: str = Field(max_length=2000, pattern=PLAIN)
    diagnosis_code: str = Field(max_length=16, pattern=IDENT)
    summary: str = Field(max_length=20000, pattern=PLAIN)
    followup_plan: str | None = Field(default=None, max_length=20000, pattern=PLAIN)
    urgent: bool = False


class TransitionIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000, pattern=PLAIN)


def _at(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def referral_json(r: Referral) -> dict[str, Any]:
    return {
        "id": r.id,
        "person_id": r.person_id,
        "home_unit_id": r.home_unit_id,
        "direction": r.direction,
        "from_institution_id": r.from_institution_id,
        "to_institution_id": r.to_institution_id,
        "reason": r.reason,
        "diagnosis_code": r.diagnosis_code,
        "summary": r.summary,
        "followup_plan": r.followup_plan,
        "urgent": r.urgent,
        "green_channel": r.green_channel,
        "state": r.state,
        "requested_by": r.requested_by,
        "requested_at": _at(r.requested_at),
        "expires_at": _at(r.expires_at),
        "accepted_at": _at(r.accepted_at),
        "arrived_at": _at(r.arrived_at),
        "closed_at": _at(r.closed_at),
        "decided_by": r.decided_by,
        "note": r.note,
    }


@router.post("/referrals", status_code=201, summary="申请转诊 / request a referral")
def request_referral(payload: ReferralIn, me: Me, ctx: Ctx, db: Db) -> dict[str, Any]:
    row = lib.request_referral(db, me, ctx.directory, **payload.model_dump(), now=ctx.clock())
    return referral_json(row)


@router.get("/referrals/{referral_id}", summary="转诊单 / one referral")
def get_referral(referral_id: ReferralId, me: Me, db: Db) -> dict[str, Any]:
    return referral_json(lib.get_referral(db, me, referral_id))


def _transition(action: str):  # type: ignore[no-untyped-def]
    def handler(
        referral_id: ReferralId, me: Me, ctx: Ctx, db: Db, payload: TransitionIn | None = None
    ) -> dict[str, Any]:
        note = payload.note if payload is not None else None
        row = lib.transition(db, me, referral_id, action, now=ctx.clock(), note=note)
        return referral_json(row)

    handler.__name__ = f"referral_{action}"
    return handler


for _name, _action in lib.ACTIONS.items():
    router.add_api_route(
        f"/referrals/{{referral_id}}/{_name}",
        _transition(_name),
        methods=["POST"],
        summary=f"{_action.zh} / {_name}",
    )


@router.get("/worklists/referrals", summary="待处理的转诊 / referrals to act on")
def referrals_awaiting(me: Me, ctx: Ctx, db: Db) -> dict[str, Any]:
    rows = worklists.referrals_awaiting(db, me, now=ctx.clock())
    return {"items": [referral_json(r) for r in rows], "total": len(rows)}

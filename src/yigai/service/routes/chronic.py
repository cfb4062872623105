"""慢病管理 routes: register a case, record a follow-up (a reading meeting the urgent criteria
proposes a referral at once; its id comes back)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from yigai.community import chronic
from yigai.community._common import local_day
from yigai.service.deps import Ctx, Db, Me
from yigai.service.fields import IDENT
from yigai.store.models_community import ChronicCase, Followup

router = APIRouter(prefix="/api", tags=["chronic care"])

CaseId = Annotated[int, Path(ge=1, le=2**62, description="慢病档案号 / case id")]
Disease = Literal["hypertension", "diabetes", "severe_mental", "tuberculosis"]


class CaseIn(BaseModel):
    person_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    disease: Disease
    institution_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    confirmed_on: dt.date
    screened_on: dt.date | None = None
    team_id: int | None = Field(default=None, ge=1, le=2**62)


class FollowupIn(BaseModel):
    followup_date: dt.date
    mode: str = Field(default="clinic", min_length=1, max_length=16, pattern=IDENT)
    sbp: int | None = Field(default=None, ge=0, le=1000)
    dbp: int | None = Field(default=None, ge=0, le=1000)
    fasting_glucose: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=1)
    new_symptoms: bool = False
    adverse_reaction: bool = False
    complication: bool = False
    danger_signs: bool = False
    classification: str | None = Field(default=None, max_length=20, pattern=IDENT)
    next_due: dt.date | None = None


def _date(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def case_json(c: ChronicCase) -> dict[str, Any]:
    return {
        "id": c.id,
        "person_id": c.person_id,
        "disease": c.disease,
        "institution_id": c.institution_id,
        "doctor": c.doctor,
        "team_id": c.team_id,
        "confirmed_on": _date(c.confirmed_on),
        "managed_from": _date(c.managed_from),
        "next_due": _date(c.next_due),
    }


def followup_json(f: Followup) -> dict[str, Any]:
    return {
        "id": f.id,
        "case_id": f.case_id,
        "person_id": f.person_id,
        "followup_date": _date(f.followup_date),
        "classification": f.classification,
        "action": f.action,
        "next_due": _date(f.next_due),
        "referral_id": f.referral_id,
    }


@router.post("/chronic/cases", status_code=201, summary="纳入慢病管理 / register a case")
def register_case(payload: CaseIn, me: Me, ctx: Ctx, db: Db) -> dict[str, Any]:
    case = chronic.register_case(
        db, me, ctx.directory, **payload.model_dump(), today=local_day(ctx.clock())
    )
    return case_json(case)


@router.post(
    "/chronic/cases/{case_id}/followups", status_code=201, summary="记录随访 / record a follow-up"
)
def record_followup(
    case_id: CaseId, payload: FollowupIn, me: Me, ctx: Ctx, db: Db
) -> dict[str, Any]:
    followup = chronic.record_followup(
        db, me, ctx.directory, case_id, **payload.model_dump(), now=ctx.clock()
    )
    return followup_json(followup)

"""号源 routes: open a day's slots (the green-channel share reserved), book one for an
up-referral (reserved first when the referral is green-channel), book an ordinary one."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from yigai.community import slots
from yigai.service.deps import Ctx, Db, Me
from yigai.service.fields import IDENT
from yigai.store.models_community import Slot

router = APIRouter(prefix="/api", tags=["appointment slots"])

ReferralId = Annotated[int, Path(ge=1, le=2**62)]


class OpenIn(BaseModel):
    institution_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    department: str = Field(min_length=1, max_length=100, pattern=IDENT)
    day: dt.date
    count: int = Field(ge=1, le=1000)


class BookIn(BaseModel):
    department: str = Field(min_length=1, max_length=100, pattern=IDENT)
    day: dt.date


class AppointmentIn(BookIn):
    person_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    institution_id: str = Field(min_length=1, max_length=64, pattern=IDENT)


def slot_json(s: Slot) -> dict[str, Any]:
    return {
        "id": s.id,
        "institution_id": s.institution_id,
        "department": s.department,
        "day": s.day.isoformat(),
        "seq": s.seq,
        "reserved": s.reserved,
        "referral_id": s.referral_id,
    }


@router.post("/slots", status_code=201, summary="放号 / open slots")
def open_slots(payload: OpenIn, me: Me, db: Db) -> dict[str, Any]:
    opened = slots.open_slots(db, me, **payload.model_dump())
    return {"opened": len(opened), "reserved": sum(s.reserved for s in opened)}


@router.post(
    "/referrals/{referral_id}/slot", status_code=201, summary="转诊预约号源 / book for a referral"
)
def book_for_referral(referral_id: ReferralId, payload: BookIn, me: Me, db: Db) -> dict[str, Any]:
    return slot_json(slots.book_for_referral(db, me, referral_id, **payload.model_dump()))


@router.post("/appointments", status_code=201, summary="普通预约 / ordinary appointment")
def book_ordinary(payload: AppointmentIn, me: Me, ctx: Ctx, db: Db) -> dict[str, Any]:
    return slot_json(slots.book_ordinary(db, me, ctx.directory, **payload.model_dump()))

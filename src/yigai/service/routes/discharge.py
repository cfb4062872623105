"""出院即时结算 route: one claim adjudicated at the desk with the person's year-to-date
trackers (:func:`yigai.community.discharge.settle_at_discharge`, the batch's rules), so the
patient pays only their share. Idempotent by encounter id."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from yigai.community._common import local_day
from yigai.community.discharge import settle_at_discharge
from yigai.errors import Invalid
from yigai.policy.adjudication import SPLIT_COLUMNS
from yigai.policy.discharge import CostLine, DischargeEncounter
from yigai.policy.params import regions
from yigai.service.deps import Ctx, Db, Me
from yigai.service.fields import IDENT
from yigai.store.models_discharge import DeskSettlement

router = APIRouter(prefix="/api", tags=["discharge settlement"])

MAX_FEN = 10**12  # ten billion yuan: far above any bill, far below BIGINT


class CostLineIn(BaseModel):
    item: str = Field(min_length=1, max_length=100, pattern=IDENT)
    amount_fen: int = Field(ge=0, le=MAX_FEN)
    in_scope: bool = True


class DischargeIn(BaseModel):
    encounter_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    person_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    institution_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    care_type: Literal["outpatient", "emergency", "inpatient"]
    level: Literal["village", "township", "county", "city", "province", "out_of_county"]
    in_county: bool
    admission_date: dt.date
    discharge_date: dt.date
    cost_lines: list[CostLineIn] = Field(min_length=1, max_length=500)
    region: str = Field(min_length=1, max_length=64, pattern=IDENT)
    referred: bool = False
    referred_from: str | None = Field(default=None, max_length=64, pattern=IDENT)
    referral_in_community: bool = False
    groups: list[str] = Field(default_factory=list, max_length=20)


def settlement_json(row: DeskSettlement) -> dict[str, Any]:
    names = ("encounter_id", "person_id", "institution_id", "scheme_region", "scheme_version")
    fen = ("cost_total_fen", "out_of_scope_fen", *SPLIT_COLUMNS)
    return {
        **{n: getattr(row, n) for n in names},
        "event_date": row.event_date.isoformat(),
        **{n: int(getattr(row, n)) for n in fen},
    }


@router.post("/discharge-settlements", summary="出院即时结算 / settle a claim at discharge")
def settle(payload: DischargeIn, me: Me, ctx: Ctx, db: Db) -> dict[str, Any]:
    known = regions()
    if payload.region not in known:
        raise Invalid(
            f"未知的医保统筹地区 {payload.region!r}（可选：{'、'.join(known)}）",
            f"unknown insurance region {payload.region!r} (one of {', '.join(known)})",
        )
    data = payload.model_dump()
    data["cost_lines"] = tuple(CostLine(**line) for line in data["cost_lines"])
    data["groups"] = frozenset(data["groups"])
    encounter = DischargeEncounter(**data)
    warehouse = None
    if ctx.warehouse is not None:
        from yigai.warehouse import Warehouse

        warehouse = Warehouse(ctx.warehouse)
    row = settle_at_discharge(db, me, encounter, warehouse=warehouse, today=local_day(ctx.clock()))
    return settlement_json(row)

"""家庭医生签约 routes: teams and their members, contracts signed, renewed and ended.

The routes check ``contracts.write`` first, so a role without it gets 403 whatever the record
(the library's renewal looks the contract up before its permission check).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from yigai.community import contracts
from yigai.community._common import local_day
from yigai.service.deps import Ctx, Db, Me
from yigai.service.fields import IDENT, PLAIN
from yigai.store.models_community import Contract, Team, TeamMember

router = APIRouter(prefix="/api", tags=["contracts"])

WRITE = "contracts.write"
RowId = Annotated[int, Path(ge=1, le=2**62)]
Package = Literal["basic", "personalised"]


class TeamIn(BaseModel):
    code: str = Field(min_length=1, max_length=64, pattern=IDENT)
    name: str = Field(min_length=1, max_length=200, pattern=IDENT)
    institution_id: str = Field(min_length=1, max_length=64, pattern=IDENT)


class MemberIn(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=IDENT)
    member_role: Literal["gp", "nurse", "public_health", "specialist"]
    institution_id: str = Field(min_length=1, max_length=64, pattern=IDENT)


class ContractIn(BaseModel):
    person_id: str = Field(min_length=1, max_length=64, pattern=IDENT)
    team_id: int = Field(ge=1, le=2**62)
    package: Package = "basic"
    valid_from: dt.date | None = None


class RenewIn(BaseModel):
    package: Package | None = None


class EndIn(BaseModel):
    last_day: dt.date
    reason: str = Field(min_length=1, max_length=2000, pattern=PLAIN)


def team_json(t: Team) -> dict[str, Any]:
    return {"id": t.id, "code": t.code, "name": t.name, "institution_id": t.institution_id}


def member_json(m: TeamMember) -> dict[str, Any]:
    return {
        "id": m.id,
        "team_id": m.team_id,
        "username": m.username,
        "member_role": m.member_role,
        "institution_id": m.institution_id,
    }


def contract_json(c: Contract) -> dict[str, Any]:
    return {
        "id": c.id,
        "person_id": c.person_id,
        "team_id": c.team_id,
        "institution_id": c.institution_id,
        "package": c.package,
        "signed_on": c.signed_on.isoformat(),
        "valid_from": c.valid_from.isoformat(),
        "valid_to": c.valid_to.isoformat(),
        "ended_on": c.ended_on.isoformat() if c.ended_on else None,
        "end_reason": c.end_reason,
        "renewed_from_id": c.renewed_from_id,
    }


@router.post("/teams", status_code=201, summary="建立家庭医生团队 / create a team")
def create_team(payload: TeamIn, me: Me, db: Db) -> dict[str, Any]:
    return team_json(contracts.create_team(db, me, **payload.model_dump()))


@router.post("/teams/{team_id}/members", status_code=201, summary="团队成员 / add a member")
def add_member(team_id: RowId, payload: MemberIn, me: Me, db: Db) -> dict[str, Any]:
    me.require(WRITE)
    return member_json(contracts.add_member(db, me, team_id, **payload.model_dump()))


@router.post("/contracts", status_code=201, summary="签约 / sign a contract")
def sign_contract(payload: ContractIn, me: Me, ctx: Ctx, db: Db) -> dict[str, Any]:
    me.require(WRITE)
    row = contracts.sign_contract(
        db, me, ctx.directory, **payload.model_dump(), today=local_day(ctx.clock())
    )
    return contract_json(row)


@router.post("/contracts/{contract_id}/renew", status_code=201, summary="续约 / renew")
def renew_contract(
    contract_id: RowId, me: Me, ctx: Ctx, db: Db, payload: RenewIn | None = None
) -> dict[str, Any]:
    me.require(WRITE)
    package = payload.package if payload is not None else None
    row = contracts.renew_contract(
        db, me, ctx.directory, contract_id, today=local_day(ctx.clock()), package=package
    )
    return contract_json(row)


@router.post("/contracts/{contract_id}/end", summary="解约 / end a contract")
def end_contract(contract_id: RowId, payload: EndIn, me: Me, db: Db) -> dict[str, Any]:
    me.require(WRITE)
    row = contracts.end_contract(db, me, contract_id, **payload.model_dump())
    return contract_json(row)

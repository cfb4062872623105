"""Scope-matrix rows of the team and contract routes.

A resident holds one valid contract at a time, so each call that signs first ends the
resident's contracts (test set-up, straight in the database). Teams sit at the role's inside
unit, where its resident lives, so a down-referral still returns the resident there.
"""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
from sqlalchemy import select
from tests.auth.conftest import NOW
from tests.service.conftest import World, person
from tests.service.matrix_base import RouteCase
from tests.service.matrix_referrals import OTHER_VILLAGE, _admin

from yigai.auth import Role
from yigai.community import contracts
from yigai.store import session_scope
from yigai.store.models_community import Contract

TODAY = NOW.date()


def _unit(world: World, role: Role, inside: bool) -> str:
    return world.inside(role) if inside else OTHER_VILLAGE


def make_team(world: World, unit: str) -> int:
    with session_scope(world.url) as db:
        code = f"T-{uuid.uuid4().hex[:12]}"
        return contracts.create_team(
            db, _admin(world), code=code, name="矩阵团队", institution_id=unit
        ).id


def _end_contracts(world: World, unit: str) -> None:
    with session_scope(world.url) as db:
        for c in db.scalars(select(Contract).where(Contract.person_id == person(unit))):
            c.ended_on = c.valid_from - dt.timedelta(days=1)


def make_contract(world: World, unit: str) -> int:
    team = make_team(world, unit)
    _end_contracts(world, unit)
    with session_scope(world.url) as db:
        return contracts.sign_contract(
            db, _admin(world), world.directory, person_id=person(unit), team_id=team, today=TODAY
        ).id


def _create_team(world: World, role: Role, inside: bool) -> httpx.Response:
    body = {
        "code": f"T-{uuid.uuid4().hex[:12]}",
        "name": "团队",
        "institution_id": _unit(world, role, inside),
    }
    return world.client.post("/api/teams", json=body, headers=world.auth(role))


def _add_member(world: World, role: Role, inside: bool) -> httpx.Response:
    team = make_team(world, _unit(world, role, inside))
    body = {"username": "wang.gp", "member_role": "gp", "institution_id": "440101W001"}
    return world.client.post(f"/api/teams/{team}/members", json=body, headers=world.auth(role))


def _sign(world: World, role: Role, inside: bool) -> httpx.Response:
    unit = _unit(world, role, inside)
    team = make_team(world, unit)
    _end_contracts(world, unit)
    body = {"person_id": person(unit), "team_id": team}
    return world.client.post("/api/contracts", json=body, headers=world.auth(role))


def _renew(world: World, role: Role, inside: bool) -> httpx.Response:
    cid = make_contract(world, _unit(world, role, inside))
    return world.client.post(f"/api/contracts/{cid}/renew", headers=world.auth(role))


def _end(world: World, role: Role, inside: bool) -> httpx.Response:
    cid = make_contract(world, _unit(world, role, inside))
    body = {"last_day": TODAY.isoformat(), "reason": "迁出 / moved away"}
    return world.client.post(f"/api/contracts/{cid}/end", json=body, headers=world.auth(role))


WRITE = "contracts.write"
CASES: list[RouteCase] = [
    RouteCase("POST", "/api/teams", _create_team, WRITE, scoped=True, ok=201),
    RouteCase("POST", "/api/teams/{team_id}/members", _add_member, WRITE, scoped=True, ok=201),
    RouteCase("POST", "/api/contracts", _sign, WRITE, scoped=True, ok=201),
    RouteCase("POST", "/api/contracts/{contract_id}/renew", _renew, WRITE, scoped=True, ok=201),
    RouteCase("POST", "/api/contracts/{contract_id}/end", _end, WRITE, scoped=True),
]

"""Scope-matrix rows of the appointment-slot routes: each booking call first opens slots at
the destination (as the administrator) for the next day."""

from __future__ import annotations

import datetime as dt

import httpx
from tests.auth.conftest import NOW
from tests.service.conftest import World, person
from tests.service.matrix_base import RouteCase
from tests.service.matrix_referrals import HOSPITAL, OTHER_VILLAGE, _admin, make

from yigai.auth import Role
from yigai.community import slots
from yigai.store import session_scope

DAY = NOW.date() + dt.timedelta(days=1)
DEPARTMENT = "心内科"
OTHER_HOSPITAL = "440102G001"


def _open(world: World, institution: str) -> None:
    with session_scope(world.url) as db:
        slots.open_slots(
            db, _admin(world), institution_id=institution, department=DEPARTMENT, day=DAY, count=2
        )


def _open_call(world: World, role: Role, inside: bool) -> httpx.Response:
    body = {
        "institution_id": world.inside(role) if inside else OTHER_VILLAGE,
        "department": DEPARTMENT,
        "day": DAY.isoformat(),
        "count": 3,
    }
    return world.client.post("/api/slots", json=body, headers=world.auth(role))


def _book_referral(world: World, role: Role, inside: bool) -> httpx.Response:
    if inside:
        unit = world.inside(role)
        origin = "440101C001" if unit == HOSPITAL else unit  # an up-referral touching the scope
        rid, hospital = make(world, origin, origin), HOSPITAL
    else:
        rid, hospital = make(world, OTHER_VILLAGE, OTHER_VILLAGE), OTHER_HOSPITAL
    _open(world, hospital)
    body = {"department": DEPARTMENT, "day": DAY.isoformat()}
    return world.client.post(f"/api/referrals/{rid}/slot", json=body, headers=world.auth(role))


def _appointment(world: World, role: Role, inside: bool) -> httpx.Response:
    unit, hospital = (world.inside(role), HOSPITAL) if inside else (OTHER_VILLAGE, OTHER_HOSPITAL)
    _open(world, hospital)
    body = {
        "person_id": person(unit),
        "institution_id": hospital,
        "department": DEPARTMENT,
        "day": DAY.isoformat(),
    }
    return world.client.post("/api/appointments", json=body, headers=world.auth(role))


CASES: list[RouteCase] = [
    RouteCase("POST", "/api/slots", _open_call, "slots.manage", scoped=True, ok=201),
    RouteCase(
        "POST",
        "/api/referrals/{referral_id}/slot",
        _book_referral,
        "referrals.create",
        scoped=True,
        ok=201,
    ),
    RouteCase("POST", "/api/appointments", _appointment, "referrals.create", scoped=True, ok=201),
]

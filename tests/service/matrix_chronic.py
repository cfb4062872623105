"""Scope-matrix rows of the chronic-care routes.

A resident holds one open case per disease, so each call first closes the resident's open
cases (test set-up, straight in the database) and then registers afresh.
"""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import update
from tests.auth.conftest import NOW
from tests.service.conftest import World, person
from tests.service.matrix_base import RouteCase
from tests.service.matrix_referrals import OTHER_VILLAGE, _admin

from yigai.auth import Role
from yigai.community import chronic
from yigai.store import session_scope
from yigai.store.models_community import ChronicCase

TODAY = NOW.date()


def _close_open_cases(world: World, unit: str) -> None:
    with session_scope(world.url) as db:
        db.execute(
            update(ChronicCase)
            .where(ChronicCase.person_id == person(unit), ChronicCase.closed_on.is_(None))
            .values(closed_on=TODAY)
        )


def case_body(unit: str) -> dict[str, object]:
    return {
        "person_id": person(unit),
        "disease": "hypertension",
        "institution_id": unit,
        "confirmed_on": (TODAY - dt.timedelta(days=30)).isoformat(),
    }


def make_case(world: World, unit: str) -> int:
    _close_open_cases(world, unit)
    with session_scope(world.url) as db:
        body = case_body(unit) | {"confirmed_on": TODAY - dt.timedelta(days=30)}
        return chronic.register_case(
            db,
            _admin(world),
            world.directory,
            **body,
            today=TODAY,  # type: ignore[arg-type]
        ).id


def _register(world: World, role: Role, inside: bool) -> httpx.Response:
    unit = world.inside(role) if inside else OTHER_VILLAGE
    _close_open_cases(world, unit)
    return world.client.post("/api/chronic/cases", json=case_body(unit), headers=world.auth(role))


def _followup(world: World, role: Role, inside: bool) -> httpx.Response:
    case_id = make_case(world, world.inside(role) if inside else OTHER_VILLAGE)
    reading = {"followup_date": TODAY.isoformat(), "sbp": 128, "dbp": 82}
    return world.client.post(
        f"/api/chronic/cases/{case_id}/followups", json=reading, headers=world.auth(role)
    )


CASES: list[RouteCase] = [
    RouteCase("POST", "/api/chronic/cases", _register, "chronic.write", scoped=True, ok=201),
    RouteCase(
        "POST",
        "/api/chronic/cases/{case_id}/followups",
        _followup,
        "chronic.write",
        scoped=True,
        ok=201,
    ),
]

"""The scope matrix's table: every API route, and how to call it in and out of scope.

Add a :class:`~tests.service.matrix_base.RouteCase` here (or in a ``matrix_<concept>.py``
listed below) for every new route (the matrix test fails for a route the
table does not cover). ``call(world, role, inside)`` makes the request as ``role``: for a
scoped route on a target within the role's scope when ``inside``, else on one outside it.
The expected status follows from the roles file and the case:

- the role lacks ``permission`` → 403;
- a ``scoped`` route on a target outside the role's scope → 404 (as if it did not exist);
- otherwise ``ok``.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from tests.service import (
    matrix_chronic,
    matrix_contracts,
    matrix_discharge,
    matrix_referrals,
    matrix_slots,
)
from tests.service.conftest import PASSWORD, World, person
from tests.service.matrix_base import Call, RouteCase

from yigai.auth import Role


def _get(path: Callable[[World, Role, bool], str]) -> Call:
    def call(world: World, role: Role, inside: bool) -> httpx.Response:
        return world.client.get(path(world, role, inside), headers=world.auth(role))

    return call


def _unit(world: World, role: Role, inside: bool) -> str:
    return world.inside(role) if inside else world.outside(role)


def _login(world: World, role: Role, inside: bool) -> httpx.Response:
    return world.client.post(
        "/api/auth/login", json={"username": world.username(role), "password": PASSWORD}
    )


def _logout(world: World, role: Role, inside: bool) -> httpx.Response:
    token = world.login(role)  # its own session: the shared one stays for the other cases
    return world.client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})


CASES: list[RouteCase] = [
    RouteCase("POST", "/api/auth/login", _login, public=True),
    RouteCase("POST", "/api/auth/logout", _logout, ok=204),
    RouteCase("GET", "/api/me", _get(lambda w, r, i: "/api/me")),
    RouteCase("GET", "/api/org-units", _get(lambda w, r, i: "/api/org-units"), "org_units.read"),
    RouteCase(
        "GET",
        "/api/residents",
        _get(lambda w, r, i: f"/api/residents?unit={_unit(w, r, i)}"),
        "residents.read",
        scoped=True,
    ),
    RouteCase(
        "GET",
        "/api/residents/{person_id}",
        _get(lambda w, r, i: f"/api/residents/{person(_unit(w, r, i))}"),
        "residents.read",
        scoped=True,
    ),
    RouteCase("GET", "/api/audit", _get(lambda w, r, i: "/api/audit"), "audit.read"),
    *matrix_referrals.CASES,
    *matrix_referrals.LISTS,
    *matrix_chronic.CASES,
    *matrix_contracts.CASES,
    *matrix_slots.CASES,
    *matrix_discharge.CASES,
]

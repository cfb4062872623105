"""Every API route × every role × in / out of scope answers as the table says, on SQLite and
PostgreSQL; a route missing from the table fails the run."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from tests.service.conftest import World
from tests.service.matrix import CASES
from tests.service.matrix_base import RouteCase

from yigai.auth import Role
from yigai.service import ServiceConfig, create_app

BY_KEY = {(c.method, c.path): c for c in CASES}


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route under /api, as the app serves them."""
    found = set()
    for route in iter_route_contexts(app.routes):
        path = getattr(route, "path", "")
        if path.startswith("/api"):
            found |= {(m, path) for m in getattr(route, "methods", ()) if m != "HEAD"}
    return found


def test_every_api_route_is_in_the_matrix() -> None:
    served = api_routes(create_app(ServiceConfig("sqlite://")))
    missing = sorted(served - set(BY_KEY))
    assert not missing, f"routes not in tests/service/matrix.py CASES: {missing}"


def test_a_route_added_later_is_caught_as_missing() -> None:
    app = create_app(ServiceConfig("sqlite://"))

    @app.get("/api/something-new")
    def something_new() -> dict[str, str]:
        return {}

    assert ("GET", "/api/something-new") in api_routes(app) - set(BY_KEY)


def test_the_matrix_names_no_route_the_app_lacks() -> None:
    served = api_routes(create_app(ServiceConfig("sqlite://")))
    assert sorted(set(BY_KEY) - served) == []


def _id(case: RouteCase) -> str:
    return f"{case.method} {case.path}"


#: Every case × role, in scope, and out of scope for the routes that take a unit or resident.
MATRIX = [
    pytest.param(case, role, inside, id=f"{_id(case)}-{role.value}-{'in' if inside else 'out'}")
    for case in CASES
    for role in Role
    for inside in ((True, False) if case.scoped else (True,))
]


@pytest.mark.parametrize(("case", "role", "inside"), MATRIX)
def test_route_role_scope(world: World, case: RouteCase, role: Role, inside: bool) -> None:
    response = case.call(world, role, inside)
    assert response.status_code == case.expected(role, inside), response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"zh", "en"}


@pytest.mark.parametrize("case", [c for c in CASES if not c.public], ids=_id)
def test_route_without_a_session_is_401(world: World, case: RouteCase) -> None:
    world.client.cookies.clear()
    path = re.sub(r"\{[a-z_]+\}", "1", case.path)
    response = world.client.request(case.method, path)
    assert response.status_code == 401, response.text

"""Scope-matrix rows of the referral routes, with the referrals each call needs.

Each call makes a fresh referral (as the administrator, through the library) in the state the
action starts from, placed so that the side the action checks is inside the role's scope or,
for the outside case, in the second county's community where no one but the administrator
reaches.
"""

from __future__ import annotations

import httpx
from tests.auth.conftest import NOW
from tests.service.conftest import World, person
from tests.service.matrix_base import Call, RouteCase

from yigai.auth import Principal, Role, permissions_of
from yigai.community import referrals
from yigai.store import session_scope

HOSPITAL, OTHER_VILLAGE = "440101G001", "440102C001"
#: Transitions to apply after the request to reach the state an action starts from.
BEFORE = {
    "accept": (),
    "reject": (),
    "cancel": (),
    "arrive": ("accept",),
    "complete": ("accept", "arrive"),
}


def _admin(world: World) -> Principal:
    roots = frozenset({"*"})
    return Principal(
        "matrix", Role.ADMIN, roots, world.orgs.units(roots), permissions_of(Role.ADMIN)
    )


def body(from_unit: str, person_unit: str) -> dict[str, object]:
    """A valid request: down from a county hospital, otherwise up to the lead hospital."""
    down = from_unit.endswith("G001")
    return {
        "person_id": person(person_unit),
        "direction": "down" if down else "up",
        "from_institution_id": from_unit,
        "reason": "矩阵测试 / matrix",
        "diagnosis_code": "I10",
        "summary": "血压控制不佳 / uncontrolled blood pressure",
        "followup_plan": "两周内随访 / follow up within two weeks" if down else None,
    }


def make(world: World, from_unit: str, person_unit: str, steps: tuple[str, ...] = ()) -> int:
    admin = _admin(world)
    with session_scope(world.url) as db:
        row = referrals.request_referral(
            db,
            admin,
            world.directory,
            **body(from_unit, person_unit),
            now=NOW,  # type: ignore[arg-type]
        )
        for step in steps:
            referrals.transition(db, admin, row.id, step, now=NOW)
        return row.id


def receiving(world: World, role: Role, steps: tuple[str, ...] = ()) -> int:
    """A referral sent to a unit in ``role``'s scope."""
    unit = world.inside(role)
    if unit == HOSPITAL:
        return make(world, "440101C001", "440101C001", steps)
    return make(world, HOSPITAL, unit, steps)


def sending(world: World, role: Role, steps: tuple[str, ...] = ()) -> int:
    """A referral sent from a unit in ``role``'s scope."""
    unit = world.inside(role)
    return make(world, unit, unit, steps)


def outside(world: World, steps: tuple[str, ...] = ()) -> int:
    """A referral of the second county's community: out of every scope but ``*``."""
    return make(world, OTHER_VILLAGE, OTHER_VILLAGE, steps)


def _create(world: World, role: Role, inside: bool) -> httpx.Response:
    unit = world.inside(role) if inside else OTHER_VILLAGE
    return world.client.post("/api/referrals", json=body(unit, unit), headers=world.auth(role))


def _read(world: World, role: Role, inside: bool) -> httpx.Response:
    rid = sending(world, role) if inside else outside(world)
    return world.client.get(f"/api/referrals/{rid}", headers=world.auth(role))


def _act(action: str) -> Call:
    def call(world: World, role: Role, inside: bool) -> httpx.Response:
        steps = BEFORE[action]
        if not inside:
            rid = outside(world, steps)
        elif action == "cancel":
            rid = sending(world, role, steps)
        else:
            rid = receiving(world, role, steps)
        note = {"note": "矩阵测试 / matrix"}
        return world.client.post(
            f"/api/referrals/{rid}/{action}", json=note, headers=world.auth(role)
        )

    return call


def _worklist(world: World, role: Role, inside: bool) -> httpx.Response:
    return world.client.get("/api/worklists/referrals", headers=world.auth(role))


CASES: list[RouteCase] = [
    RouteCase("POST", "/api/referrals", _create, "referrals.create", scoped=True, ok=201),
    RouteCase("GET", "/api/referrals/{referral_id}", _read, "referrals.read", scoped=True),
    *(
        RouteCase(
            "POST",
            f"/api/referrals/{{referral_id}}/{action}",
            _act(action),
            "referrals.create" if action == "cancel" else "referrals.receive",
            scoped=True,
        )
        for action in BEFORE
    ),
    RouteCase("GET", "/api/worklists/referrals", _worklist, "referrals.receive"),
]


def _listing(path: str) -> Call:
    def call(world: World, role: Role, inside: bool) -> httpx.Response:
        return world.client.get(path, headers=world.auth(role))

    return call


#: Lists the library filters to the caller's scope: the answer's status depends on the role.
LISTS: list[RouteCase] = [
    RouteCase(
        "GET", "/api/worklists/followups", _listing("/api/worklists/followups"), "worklists.read"
    ),
    RouteCase(
        "GET", "/api/worklists/renewals", _listing("/api/worklists/renewals"), "worklists.read"
    ),
    RouteCase("GET", "/api/rates/signing", _listing("/api/rates/signing"), "rates.read"),
]

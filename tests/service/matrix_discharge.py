"""Scope-matrix row of discharge settlement: a fresh encounter at a unit inside the role's
scope, or at the second county's hospital."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
from tests.auth.conftest import NOW
from tests.service.conftest import World
from tests.service.matrix_base import RouteCase
from tests.service.matrix_slots import OTHER_HOSPITAL

from yigai.auth import Role

DAY = NOW.date() - dt.timedelta(days=1)


def body(institution: str) -> dict[str, object]:
    """A fresh patient each time: claims of one person on one day settle in order."""
    return {
        "encounter_id": f"E-{uuid.uuid4().hex[:16]}",
        "person_id": uuid.uuid4().hex,
        "institution_id": institution,
        "care_type": "inpatient",
        "level": "county",
        "in_county": True,
        "admission_date": (DAY - dt.timedelta(days=5)).isoformat(),
        "discharge_date": DAY.isoformat(),
        "cost_lines": [{"item": "床位与诊疗", "amount_fen": 1_250_000}],
        "region": "hubei_xiaogan",
    }


def _settle(world: World, role: Role, inside: bool) -> httpx.Response:
    unit = world.inside(role) if inside else OTHER_HOSPITAL
    return world.client.post(
        "/api/discharge-settlements", json=body(unit), headers=world.auth(role)
    )


CASES: list[RouteCase] = [
    RouteCase("POST", "/api/discharge-settlements", _settle, "settlement.discharge", scoped=True),
]

"""Worklists and signing rates over HTTP: aggregates for the bureau, scoped to its county."""

from __future__ import annotations

from tests.service.conftest import World

from yigai.auth import Role


def _general(world: World, role: Role) -> dict:
    r = world.client.get("/api/rates/signing", headers=world.auth(role))
    assert r.status_code == 200, r.text
    return next(g for g in r.json()["groups"] if g["group"] == "general")


def test_the_bureau_sees_signing_rates_of_its_county_only(world: World) -> None:
    # four residents live in county 440101, one in 440102
    assert _general(world, Role.HEALTH_BUREAU)["population"] == 4


def test_a_village_doctor_sees_the_rate_of_their_village(world: World) -> None:
    assert _general(world, Role.VILLAGE_DOCTOR)["population"] == 1


def test_a_worklist_day_range_out_of_bounds_is_422(world: World) -> None:
    r = world.client.get(
        "/api/worklists/followups?within_days=400", headers=world.auth(Role.VILLAGE_DOCTOR)
    )
    assert r.status_code == 422
    assert "within_days" in r.json()["error"]["en"]

"""Discharge settlement over HTTP: the shares add up, a repeat returns the stored split."""

from __future__ import annotations

from tests.service.conftest import World
from tests.service.matrix_discharge import body

from yigai.auth import Role


def _settle(world: World, payload: dict[str, object]):  # type: ignore[no-untyped-def]
    return world.client.post(
        "/api/discharge-settlements", json=payload, headers=world.auth(Role.COUNTY_SPECIALIST)
    )


def test_the_shares_add_up_to_the_bill_and_a_repeat_returns_them(world: World) -> None:
    payload = body("440101G001")
    first = _settle(world, payload)
    assert first.status_code == 200, first.text
    split = first.json()
    shares = ("fund_fen", "critical_fen", "assistance_fen", "patient_fen")
    assert sum(split[s] for s in shares) == split["cost_total_fen"] == 1_250_000
    assert _settle(world, payload).json() == split


def test_an_unknown_region_is_422_naming_the_known_ones(world: World) -> None:
    r = _settle(world, body("440101G001") | {"region": "atlantis"})
    assert r.status_code == 422
    assert "hubei_xiaogan" in r.json()["error"]["en"]

"""Chronic care over HTTP: an urgent reading proposes a referral at once."""

from __future__ import annotations

from tests.service.conftest import World
from tests.service.matrix_chronic import TODAY, make_case

from yigai.auth import Role


def test_an_urgent_reading_returns_the_referral_it_proposed(world: World) -> None:
    case_id = make_case(world, "440101C002")
    reading = {"followup_date": TODAY.isoformat(), "sbp": 185, "dbp": 100}
    r = world.client.post(
        f"/api/chronic/cases/{case_id}/followups", json=reading, headers=world.auth(Role.ADMIN)
    )
    assert r.status_code == 201, r.text
    referral = world.client.get(
        f"/api/referrals/{r.json()['referral_id']}", headers=world.auth(Role.ADMIN)
    ).json()
    assert (referral["urgent"], referral["direction"], referral["state"]) == (
        True,
        "up",
        "requested",
    )


def test_an_unmanaged_disease_is_422(world: World) -> None:
    body = {
        "person_id": "x",
        "disease": "gout",
        "institution_id": "440101C001",
        "confirmed_on": TODAY.isoformat(),
    }
    r = world.client.post("/api/chronic/cases", json=body, headers=world.auth(Role.ADMIN))
    assert r.status_code == 422
    assert "disease" in r.json()["error"]["en"]

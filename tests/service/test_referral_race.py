"""Two county specialists accept the same referral over HTTP at the same moment: exactly one
gets 200, the other 409 naming the new state; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import httpx
from tests.service.conftest import PASSWORD, World
from tests.service.matrix_referrals import make

from yigai.auth import Role, create_user
from yigai.store import session_scope

ROUNDS = 10


def _second_specialist(world: World) -> dict[str, str]:
    with session_scope(world.url) as db:
        create_user(
            db,
            "race.specialist",
            "county_specialist",
            PASSWORD,
            ["440101G001"],
            orgs=world.orgs,
            created_by="test",
        )
    r = world.client.post(
        "/api/auth/login", json={"username": "race.specialist", "password": PASSWORD}
    )
    world.client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_two_concurrent_accepts_over_http_exactly_one_wins(world: World) -> None:
    first = world.auth(Role.COUNTY_SPECIALIST)
    second = _second_specialist(world)
    for _ in range(ROUNDS):
        rid = make(world, "440101C001", "440101C001")
        barrier = threading.Barrier(2)
        answers: list[httpx.Response] = []

        def accept(
            headers: dict[str, str], rid: int = rid, barrier=barrier, answers=answers
        ) -> None:  # type: ignore[no-untyped-def]
            barrier.wait()
            answers.append(world.client.post(f"/api/referrals/{rid}/accept", headers=headers))

        threads = [threading.Thread(target=accept, args=(h,)) for h in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        lost = next(a for a in answers if a.status_code == 409)
        assert "accepted" in lost.json()["error"]["en"]

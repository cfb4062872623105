"""Auditors query the trail: by user, by resident, by dates, within their scope."""

from __future__ import annotations

from tests.service.conftest import World, person

from yigai.auth import Role


def _query(world: World, role: Role, query: str) -> dict:
    r = world.client.get(f"/api/audit?{query}", headers=world.auth(role))
    assert r.status_code == 200, r.text
    return r.json()


def test_the_trail_is_found_by_resident(world: World) -> None:
    pid = person("440101C002")
    world.client.get(f"/api/residents/{pid}", headers=world.auth(Role.ADMIN))
    found = _query(world, Role.AUDITOR, f"person_id={pid}")["items"]
    assert found and all(pid in (e["object"] + (e["detail"] or "")) for e in found)
    assert any(e["user"] == "demo.admin" for e in found)


def test_the_trail_is_found_by_user(world: World) -> None:
    world.client.get(f"/api/residents/{person('440101C001')}", headers=world.auth(Role.ADMIN))
    found = _query(world, Role.ADMIN, "user=demo.admin")["items"]
    assert found and {e["user"] for e in found} == {"demo.admin"}


def test_a_date_range_before_any_entry_is_empty(world: World) -> None:
    assert _query(world, Role.ADMIN, "since=2000-01-01&until=2000-12-31")["total"] == 0


def test_a_county_auditor_does_not_see_the_next_county(world: World) -> None:
    world.client.get(f"/api/residents/{person('440102C001')}", headers=world.auth(Role.ADMIN))
    found = _query(world, Role.AUDITOR, f"person_id={person('440102C001')}")
    assert found["total"] == 0
    assert _query(world, Role.ADMIN, f"person_id={person('440102C001')}")["total"] >= 1


def test_querying_the_trail_is_itself_audited(world: World) -> None:
    _query(world, Role.ADMIN, "user=nobody-at-all")
    latest = _query(world, Role.ADMIN, "user=demo.admin&page_size=1")["items"][0]
    assert latest["object"] == "audit_log"
    assert "user=nobody-at-all" in latest["detail"]

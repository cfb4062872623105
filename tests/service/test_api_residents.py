"""Residents within scope, masked, and every read audited with user, resident and scope."""

from __future__ import annotations

from sqlalchemy import select
from tests.service.conftest import World, person

from yigai.auth import Role
from yigai.store import AuditLog, session_scope


def _audit(world: World, user: str) -> list[AuditLog]:
    with session_scope(world.url) as db:
        return list(
            db.scalars(select(AuditLog).where(AuditLog.user == user).order_by(AuditLog.id)).all()
        )


def test_a_village_doctor_lists_only_their_village(world: World) -> None:
    r = world.client.get("/api/residents", headers=world.auth(Role.VILLAGE_DOCTOR))
    assert [x["home_unit_id"] for x in r.json()["items"]] == ["440101C001"]


def test_a_resident_answer_carries_masks_and_no_name_or_number(world: World) -> None:
    r = world.client.get(
        f"/api/residents/{person('440101C001')}", headers=world.auth(Role.VILLAGE_DOCTOR)
    )
    body = r.json()
    assert set(body) == {"person_id", "id_masked", "sex", "birth_ym", "home_unit_id", "groups"}
    assert "*" in body["id_masked"]
    assert body["birth_ym"] == "1960-05"


def test_reading_a_resident_is_audited_with_the_scope(world: World) -> None:
    pid = person("440101W001")
    world.client.get(f"/api/residents/{pid}", headers=world.auth(Role.TOWNSHIP_DOCTOR))
    entry = _audit(world, "demo.township_doctor")[-1]
    assert (entry.action, entry.object, entry.org_id) == ("read", f"resident:{pid}", "440101W001")
    assert entry.detail == f"scope=440101W001 person_id={pid}"


def test_a_list_is_audited_with_every_resident_shown(world: World) -> None:
    world.client.get("/api/residents?unit=440101C002", headers=world.auth(Role.COMMUNITY_MANAGER))
    entry = _audit(world, "demo.community_manager")[-1]
    assert entry.object == "residents"
    assert entry.detail == f"scope=440101Y1 person_ids={person('440101C002')}"


def test_a_refused_read_leaves_no_read_entry(world: World) -> None:
    headers = world.auth(Role.FAMILY_DOCTOR_TEAM)  # the log-in is audited: before counting
    before = len(_audit(world, "demo.family_doctor_team"))
    r = world.client.get(f"/api/residents/{person('440102C001')}", headers=headers)
    assert r.status_code == 404
    assert len(_audit(world, "demo.family_doctor_team")) == before


def test_lists_are_paginated(world: World) -> None:
    r = world.client.get("/api/residents?page=2&page_size=2", headers=world.auth(Role.ADMIN))
    body = r.json()
    assert (body["total"], body["page"], len(body["items"])) == (5, 2, 2)

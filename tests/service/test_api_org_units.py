"""The org tree within scope."""

from __future__ import annotations

from tests.service.conftest import World

from yigai.auth import Role


def _tree(world: World, role: Role) -> list[dict]:
    return world.client.get("/api/org-units", headers=world.auth(role)).json()["tree"]


def _ids(nodes: list[dict]) -> set[str]:
    return {n["org_id"] for n in nodes} | {i for n in nodes for i in _ids(n["children"])}


def test_a_village_doctor_sees_their_clinic_alone(world: World) -> None:
    assert _ids(_tree(world, Role.VILLAGE_DOCTOR)) == {"440101C001"}


def test_a_community_manager_sees_the_members_under_the_community(world: World) -> None:
    tree = _tree(world, Role.COMMUNITY_MANAGER)
    assert [n["org_id"] for n in tree] == ["440101Y1"]
    assert {c["org_id"] for c in tree[0]["children"]} == {
        "440101G001",
        "440101W001",
        "440101C001",
        "440101C002",
    }


def test_the_bureau_sees_its_county_and_not_the_next(world: World) -> None:
    ids = _ids(_tree(world, Role.HEALTH_BUREAU))
    assert "440101C002" in ids and "440102C001" not in ids


def test_the_administrator_sees_the_whole_tree_from_the_province(world: World) -> None:
    tree = _tree(world, Role.ADMIN)
    assert [n["org_id"] for n in tree] == ["44"]
    assert "440102C001" in _ids(tree)

"""Bad input gets a 4xx with a message in Chinese and English, never a 500."""

from __future__ import annotations

from tests.service.conftest import World

from yigai.auth import Role


def test_a_login_without_a_password_is_422_naming_the_field(world: World) -> None:
    r = world.client.post("/api/auth/login", json={"username": "x"})
    assert r.status_code == 422
    assert "password" in r.json()["error"]["en"]
    assert r.json()["error"]["zh"].startswith("请求参数有误")


def test_a_login_body_that_is_not_json_is_422(world: World) -> None:
    r = world.client.post(
        "/api/auth/login", content=b"\xff\xfe", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422


def test_a_page_size_out_of_range_is_422(world: World) -> None:
    r = world.client.get("/api/residents?page_size=0", headers=world.auth(Role.ADMIN))
    assert r.status_code == 422
    assert "page_size" in r.json()["error"]["en"]


def test_a_date_that_is_no_date_is_422(world: World) -> None:
    r = world.client.get("/api/audit?since=2026-02-30", headers=world.auth(Role.AUDITOR))
    assert r.status_code == 422
    assert "since" in r.json()["error"]["en"]


def test_a_reversed_date_range_is_422(world: World) -> None:
    r = world.client.get(
        "/api/audit?since=2026-03-02&until=2026-03-01", headers=world.auth(Role.AUDITOR)
    )
    assert r.status_code == 422
    assert r.json()["error"]["en"] == "until is before since"


def test_an_unknown_path_is_404_in_both_languages(world: World) -> None:
    r = world.client.get("/api/nothing-here")
    assert r.status_code == 404
    assert r.json()["error"] == {"zh": "未找到", "en": "not found"}


def test_a_wrong_method_is_405_in_both_languages(world: World) -> None:
    r = world.client.delete("/api/me")
    assert r.status_code == 405
    assert set(r.json()["error"]) == {"zh", "en"}
    assert r.headers["Allow"] == "GET"

"""Log-in over HTTP: tokens, cookies, log-out, expiry and lock-out."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from tests.auth.conftest import NOW
from tests.service.conftest import PASSWORD, World

from yigai.auth import Role
from yigai.auth import params as auth_params
from yigai.service import ServiceConfig, create_app

RULES = auth_params.in_force(NOW.date())


def test_log_in_answers_the_token_and_the_user(world: World) -> None:
    r = world.client.post(
        "/api/auth/login", json={"username": "demo.village_doctor", "password": PASSWORD}
    )
    world.client.cookies.clear()
    body = r.json()
    assert body["user"]["role_zh"] == "乡村医生"
    assert body["user"]["units"] == ["440101C001"]
    assert body["expires_at"] == (NOW + RULES.session_lifetime).isoformat()


def test_the_session_cookie_logs_the_browser_in(world: World) -> None:
    world.client.post("/api/auth/login", json={"username": "demo.auditor", "password": PASSWORD})
    try:
        assert world.client.get("/api/me").json()["role"] == "auditor"
    finally:
        world.client.cookies.clear()


def test_a_wrong_password_is_401_in_chinese_and_english(world: World) -> None:
    r = world.client.post(
        "/api/auth/login", json={"username": "demo.reform_office", "password": "wrong-one"}
    )
    assert r.status_code == 401
    assert r.json()["error"] == {"zh": "用户名或口令错误", "en": "wrong user name or password"}


def test_after_log_out_the_token_is_refused(world: World) -> None:
    token = world.login(Role.HEALTH_BUREAU)
    bearer = {"Authorization": f"Bearer {token}"}
    assert world.client.post("/api/auth/logout", headers=bearer).status_code == 204
    assert world.client.get("/api/me", headers=bearer).status_code == 401


def test_a_made_up_token_is_refused(world: World) -> None:
    r = world.client.get("/api/me", headers={"Authorization": "Bearer made-up"})
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_the_account_locks_after_repeated_failures(world: World) -> None:
    bad = {"username": "demo.insurance_bureau", "password": "not-it-at-all"}
    for _ in range(RULES.lockout_failures):
        assert world.client.post("/api/auth/login", json=bad).status_code == 401
    good = {"username": "demo.insurance_bureau", "password": PASSWORD}
    r = world.client.post("/api/auth/login", json=good)
    assert r.status_code == 401
    assert "锁定" in r.json()["error"]["zh"]


def test_a_session_expires_with_the_clock(world: World) -> None:
    clock = {"now": NOW}
    state = world.client.app.state.yigai  # type: ignore[attr-defined]
    app = create_app(
        ServiceConfig(
            world.url, orgs=state.orgs, directory=state.directory, clock=lambda: clock["now"]
        )
    )
    with TestClient(app) as client:
        r = client.post("/api/auth/login", json={"username": "demo.admin", "password": PASSWORD})
        bearer = {"Authorization": f"Bearer {r.json()['token']}"}
        clock["now"] = NOW + RULES.session_lifetime - dt.timedelta(seconds=1)
        assert client.get("/api/me", headers=bearer).status_code == 200
        clock["now"] = NOW + RULES.session_lifetime
        r = client.get("/api/me", headers=bearer)
    assert r.status_code == 401
    assert "过期" in r.json()["error"]["zh"]

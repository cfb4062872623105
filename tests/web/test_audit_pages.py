"""The auditor's page: the audit trail through the same search as ``GET /api/audit``."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import County, log_in

from yigai.auth import Role
from yigai.store import AuditLog, session_scope

pytestmark = pytest.mark.xdist_group("web_pages")


def _users(html: str) -> list[str]:
    return re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td>", html)


def test_the_auditor_lands_on_the_audit_trail(client: TestClient) -> None:
    log_in(client, Role.AUDITOR)
    r = client.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/audit"


def test_the_audit_page_lists_entries_newest_first_and_filters_by_user(
    client: TestClient,
) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    assert client.get("/worklist").status_code == 200  # reads residents: audited
    log_in(client, Role.AUDITOR)
    everyone = client.get("/audit")
    assert everyone.status_code == 200 and "审计日志" in everyone.text
    assert "village_doctor" in _users(everyone.text)
    only = client.get("/audit", params={"user": "village_doctor"})
    assert set(_users(only.text)) == {"village_doctor"}


def test_the_audit_search_is_itself_audited(client: TestClient, county: County) -> None:
    log_in(client, Role.AUDITOR)
    client.get("/audit", params={"user": "nobody"})
    with session_scope(county.url) as db:
        details = db.scalars(
            select(AuditLog.detail).where(
                AuditLog.user == "auditor", AuditLog.object == "audit_log"
            )
        ).all()
    assert any("user=nobody" in (d or "") for d in details)


def test_a_bad_date_is_refused_in_chinese_not_a_500(client: TestClient) -> None:
    log_in(client, Role.AUDITOR)
    r = client.get("/audit", params={"since": "2025-13-01"})
    assert r.status_code == 422 and "日期应写作" in r.text


def test_a_doctor_cannot_read_the_audit_trail(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    assert client.get("/audit").status_code == 403


def test_the_api_and_the_page_count_the_same_entries(client: TestClient) -> None:
    log_in(client, Role.VILLAGE_DOCTOR)
    assert client.get("/worklist").status_code == 200
    log_in(client, Role.AUDITOR)
    page = client.get("/audit", params={"user": "village_doctor"})
    shown = int(re.search(r"共 (\d+)", page.text).group(1))  # type: ignore[union-attr]
    token = client.cookies["yigai_web"]
    api = client.get(
        "/api/audit",
        params={"user": "village_doctor"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert shown > 0 and api["total"] == shown

"""Every page needs a session: each page route without one is sent to log-in, and a page
route missing from ``PAGES`` fails the run (as the API's scope matrix does for /api)."""

from __future__ import annotations

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from tests.web.conftest import County

from yigai.service import ServiceConfig, create_app

#: (method, path) of every page, with a concrete URL to try; the log-in page and the static
#: files are the only routes open without a session.
PAGES = {
    ("GET", "/"): "/",
    ("GET", "/worklist"): "/worklist",
    ("GET", "/overview"): "/overview",
    ("GET", "/indicators"): "/indicators",
    ("GET", "/indicators/{indicator_id}"): "/indicators/drug_share",
    ("GET", "/units/{org_id}"): "/units/440101",
    ("GET", "/assessment"): "/assessment",
    ("GET", "/tasks"): "/tasks?overdue=1",
    ("GET", "/audit"): "/audit",
    ("GET", "/residents/{person_id}"): "/residents/p1",
    ("GET", "/residents/{person_id}/referral"): "/residents/p1/referral",
    ("POST", "/residents/{person_id}/referral"): "/residents/p1/referral",
    ("GET", "/residents/{person_id}/contract"): "/residents/p1/contract",
    ("POST", "/residents/{person_id}/contract"): "/residents/p1/contract",
    ("POST", "/contracts/{contract_id}/renew"): "/contracts/1/renew",
    ("GET", "/cases/{case_id}/followup"): "/cases/1/followup",
    ("POST", "/cases/{case_id}/followup"): "/cases/1/followup",
    ("GET", "/referrals/{referral_id}"): "/referrals/1",
    ("POST", "/referrals/{referral_id}/{action}"): "/referrals/1/accept",
    ("POST", "/logout"): "/logout",
    ("GET", "/reports"): "/reports",
    ("GET", "/reports/{unit_id}/{period_id}.{fmt}"): "/reports/440101/2025Q4.docx",
    ("GET", "/insurance"): "/insurance",
    ("GET", "/insurance/statements/{statement_id}"): "/insurance/statements/x",
    ("GET", "/insurance/statements/{statement_id}/download/{fmt}"): (
        "/insurance/statements/x/download/xlsx"
    ),
    ("GET", "/insurance/whatif"): "/insurance/whatif",
    ("POST", "/insurance/whatif"): "/insurance/whatif",
}
OPEN = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/static/{name:path}"),
    ("GET", "/static/fonts/NotoSansCJKsc-Regular.otf"),
    ("GET", "/static/fonts/faces-{key}.css"),
    ("GET", "/static/fonts/subset-{key}.{flavor}"),
}


def page_routes() -> set[tuple[str, str]]:
    found = set()
    for route in iter_route_contexts(create_app(ServiceConfig("sqlite://")).routes):
        path = getattr(route, "path", "")
        if path.startswith(("/api", "/docs", "/openapi", "/redoc")):
            continue
        found |= {(m, path) for m in getattr(route, "methods", ()) if m != "HEAD"}
    return found


def test_every_page_is_listed() -> None:
    served = page_routes()
    assert sorted(served - set(PAGES) - OPEN) == []
    assert sorted(set(PAGES) - served) == []  # and the list names no page the app lacks


@pytest.mark.parametrize("key", sorted(PAGES), ids=lambda k: f"{k[0]} {k[1]}")
def test_a_page_without_a_session_goes_to_log_in(key: tuple[str, str], county: County) -> None:
    method, _ = key
    with TestClient(county.app(), follow_redirects=False) as client:
        r = client.request(method, PAGES[key], data={"csrf": "x"} if method == "POST" else None)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")

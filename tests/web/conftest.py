"""The web pages over a tiny county: tests/auth's org tree, tests/service's residents, the
demo users of ``yigai serve`` (:func:`yigai.service.bootstrap.ensure_demo_users`), and one
hypertension case of a resident of village clinic C001, overdue for follow-up.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.auth.conftest import NOW, org_tables
from tests.service.conftest import directory, person
from tests.web import browser_helpers

from yigai.auth import OrgTree, Role
from yigai.auth.sessions import principal_of
from yigai.community import chronic, contracts
from yigai.service import ServiceConfig, create_app
from yigai.service.bootstrap import demo_password, ensure_demo_users
from yigai.store import User, migrate, session_scope

VILLAGE, OTHER_VILLAGE = "440101C001", "440101C002"


@dataclass
class County:
    url: str
    orgs: OrgTree
    case_id: int

    def app(self):  # type: ignore[no-untyped-def]
        config = ServiceConfig(self.url, orgs=self.orgs, directory=directory(), clock=lambda: NOW)
        return create_app(config)


def make_county(tmp: Path) -> County:
    url = f"sqlite:///{tmp / 'yigai.db'}"
    migrate(url)
    orgs = OrgTree.from_tables(*org_tables())
    with session_scope(url) as db:
        logins = ensure_demo_users(db, orgs)
        assert {login.role for login in logins} >= {Role.VILLAGE_DOCTOR, Role.COUNTY_SPECIALIST}
        doctor = principal_of(
            db.query(User).filter(User.username == Role.VILLAGE_DOCTOR.value).one(), orgs
        )
        # managed since November: the three-month follow-up fell due on 1 February
        case = chronic.register_case(
            db,
            doctor,
            directory(),
            person_id=person(VILLAGE),
            disease="hypertension",
            institution_id=VILLAGE,
            confirmed_on=dt.date(2025, 10, 20),
            today=dt.date(2025, 11, 1),
        )
        case_id = case.id
        # the village clinic's own family-doctor team, so its doctor can sign residents to it
        contracts.create_team(
            db, doctor, code="C001-T1", name="一村家庭医生团队", institution_id=VILLAGE
        )
    return County(url, orgs, case_id)


@pytest.fixture(scope="module")
def template_county(tmp_path_factory: pytest.TempPathFactory) -> County:
    return make_county(tmp_path_factory.mktemp("county"))


@pytest.fixture
def county(template_county: County, tmp_path: Path) -> County:
    """A fresh copy of the module's county (hashing ten demo passwords once, not per test)."""
    source = Path(template_county.url.removeprefix("sqlite:///"))
    shutil.copyfile(source, tmp_path / "yigai.db")
    return County(
        f"sqlite:///{tmp_path / 'yigai.db'}", template_county.orgs, template_county.case_id
    )


@pytest.fixture
def client(county: County):  # type: ignore[no-untyped-def]
    with TestClient(county.app(), follow_redirects=False) as c:
        yield c


def post_log_in(client: TestClient, username: str, password: str, **fields: str) -> httpx.Response:
    """Open the log-in page and post it back, its double-submit token with it."""
    page = client.get("/login")
    token = page.cookies.get("yigai_login_csrf") or client.cookies.get("yigai_login_csrf")
    data = {"username": username, "password": password, "csrf": token or "", **fields}
    return client.post("/login", data=data)


def log_in(client: TestClient, role: Role) -> None:
    r = post_log_in(client, role.value, demo_password(role), next="/")
    assert r.status_code == 303, r.text


def csrf_of(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def submit(client: TestClient, url: str, data: dict[str, str]) -> httpx.Response:
    """Open the form page at ``url`` and post ``data`` back to it with the page's CSRF token."""
    form = client.get(url)
    return client.post(url, data={**data, "csrf": csrf_of(form.text)})


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Chromium for the module's real-browser tests (tests/web/browser_helpers.py)."""
    browser_helpers.need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(browser_helpers.CHROMIUM), args=browser_helpers.ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's screenshots are kept (each checked by ``check_rendering``)."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def site_url(site: tuple[str, object]) -> str:
    """The address of the module's served ``site`` (its fixture: address, county)."""
    return site[0]


@pytest.fixture(scope="module")
def as_user(site_url: str, browser):  # type: ignore[no-untyped-def]
    """A role → a new page of the module's served site, logged in as its demo user."""
    return lambda role: browser_helpers.log_in(browser, site_url, role)

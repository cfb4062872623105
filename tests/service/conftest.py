"""A service over a tiny county, one user per role, shared by a module's tests.

The county is tests/auth's: county 440101 with community 440101Y1 (county hospital G001,
township centre W001, village clinics C001 and C002) and a second county 440102. Each role's
user is granted the units its demo user gets; each role has a resident inside its scope and
one outside it (the administrator has no outside).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.auth.conftest import NOW, org_tables
from tests.conftest import DB_PARAMS, PostgresServer, _pg_database

from yigai.auth import OrgTree, Role, create_user
from yigai.community.directory import Institution, Resident, ResidentDirectory
from yigai.service import ServiceConfig, create_app
from yigai.store import migrate, session_scope

PASSWORD = "demo-password-1"

ROOTS: dict[Role, str] = {
    Role.VILLAGE_DOCTOR: "440101C001",
    Role.TOWNSHIP_DOCTOR: "440101W001",
    Role.FAMILY_DOCTOR_TEAM: "440101W001",
    Role.COUNTY_SPECIALIST: "440101G001",
    Role.COMMUNITY_MANAGER: "440101Y1",
    Role.HEALTH_BUREAU: "440101",
    Role.INSURANCE_BUREAU: "440101",
    Role.REFORM_OFFICE: "440101",
    Role.AUDITOR: "440101",
    Role.ADMIN: "*",
}
#: Home units of the residents: each role's inside and outside unit.
INSIDE: dict[Role, str] = {
    Role.VILLAGE_DOCTOR: "440101C001",
    Role.TOWNSHIP_DOCTOR: "440101W001",
    Role.FAMILY_DOCTOR_TEAM: "440101W001",
    Role.COUNTY_SPECIALIST: "440101G001",
}
OUTSIDE: dict[Role, str] = {
    Role.VILLAGE_DOCTOR: "440101C002",
    Role.TOWNSHIP_DOCTOR: "440101C001",
    Role.FAMILY_DOCTOR_TEAM: "440101C001",
    Role.COUNTY_SPECIALIST: "440101C001",
}
HOMES = ["440101C001", "440101C002", "440101W001", "440101G001", "440102C001"]
LEVELS = {"G001": "county", "W001": "township", "C001": "village", "C002": "village"}


def person(unit: str) -> str:
    """The pseudonym of the test resident living at ``unit``."""
    return f"p{unit.lower()}".ljust(32, "0")


def directory() -> ResidentDirectory:
    residents = [
        Resident(person(u), u, "130***********1234", "female", dt.date(1960, 5, 1)) for u in HOMES
    ]
    institutions = [
        Institution(f"440101{k}", level, "440101Y1", k == "G001") for k, level in LEVELS.items()
    ]
    institutions += [
        Institution("440102C001", "village", "440102Y1"),
        Institution("440102G001", "county", "440102Y1", lead=True),
    ]
    return ResidentDirectory(residents, institutions)


@dataclass
class World:
    client: TestClient
    url: str
    orgs: OrgTree
    tokens: dict[Role, str] = field(default_factory=dict)

    def username(self, role: Role) -> str:
        return f"demo.{role.value}"

    def login(self, role: Role) -> str:
        r = self.client.post(
            "/api/auth/login", json={"username": self.username(role), "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
        self.client.cookies.clear()  # requests authenticate by their Bearer header only
        return r.json()["token"]

    def token(self, role: Role) -> str:
        if role not in self.tokens:
            self.tokens[role] = self.login(role)
        return self.tokens[role]

    def auth(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role)}"}

    def inside(self, role: Role) -> str:
        """A unit within ``role``'s scope (with a resident living there)."""
        return INSIDE.get(role, "440101C001")

    @property
    def directory(self) -> ResidentDirectory:
        return self.client.app.state.yigai.directory  # type: ignore[attr-defined]

    def outside(self, role: Role) -> str:
        """A unit outside ``role``'s scope (for the administrator: none, any unit)."""
        return OUTSIDE.get(role, "440102C001")


@pytest.fixture
def orgs() -> OrgTree:
    return OrgTree.from_tables(*org_tables())


def _url(request: pytest.FixtureRequest, tmp: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp / "yigai.db"
        migrate(f"sqlite:///{path}")
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    for url in _pg_database(server, template=None):
        migrate(url)
        yield url


@pytest.fixture(scope="module", params=DB_PARAMS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("service")
    orgs = OrgTree.from_tables(*org_tables())
    try:
        for url in _url(request, tmp):
            with session_scope(url) as db:
                for role, root in ROOTS.items():
                    create_user(
                        db,
                        f"demo.{role.value}",
                        role.value,
                        PASSWORD,
                        [root],
                        orgs=orgs,
                        created_by="test",
                    )
            config = ServiceConfig(url, orgs=orgs, directory=directory(), clock=lambda: NOW)
            with TestClient(create_app(config)) as client:
                yield World(client, url, orgs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

"""``yigai serve``'s first users: demo users per role in a demo, one administrator otherwise."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.auth.conftest import NOW

from yigai.auth import OrgTree, Role, login
from yigai.service import bootstrap
from yigai.settings import DEMO_KEY, Settings
from yigai.store import User


def test_each_demo_user_gets_the_unit_its_role_works_in(db_session: Session, orgs: OrgTree) -> None:
    logins = {x.role: x.roots for x in bootstrap.ensure_demo_users(db_session, orgs)}
    assert logins[Role.VILLAGE_DOCTOR] == ("440101C001",)
    assert logins[Role.TOWNSHIP_DOCTOR] == ("440101W001",)
    assert logins[Role.COUNTY_SPECIALIST] == ("440101G001",)
    assert logins[Role.COMMUNITY_MANAGER] == ("440101Y1",)
    assert logins[Role.HEALTH_BUREAU] == ("440101",)
    assert logins[Role.ADMIN] == ("*",)
    assert len(logins) == len(Role)


def test_demo_users_log_in_with_the_printed_password(db_session: Session, orgs: OrgTree) -> None:
    printed = bootstrap.ensure_demo_users(db_session, orgs)[0]
    assert login(db_session, printed.username, printed.password, NOW).token


def test_demo_users_are_created_once(db_session: Session, orgs: OrgTree) -> None:
    bootstrap.ensure_demo_users(db_session, orgs)
    again = bootstrap.ensure_demo_users(db_session, orgs)
    assert len(again) == len(Role)
    assert len(db_session.scalars(select(User)).all()) == len(Role)


def test_a_real_deployment_gets_one_admin_with_a_random_password(
    db_session: Session, orgs: OrgTree
) -> None:
    [admin] = bootstrap.ensure_first_admin(db_session, orgs)
    assert admin.password != bootstrap.demo_password(Role.ADMIN)
    assert login(db_session, "admin", admin.password, NOW).token
    assert bootstrap.ensure_first_admin(db_session, orgs) == []


def test_only_the_demo_key_makes_a_demo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db'}"
    assert bootstrap.is_demo(Settings(tmp_path, DEMO_KEY.encode(), url))
    assert not bootstrap.is_demo(Settings(tmp_path, b"a county's own secret", url))

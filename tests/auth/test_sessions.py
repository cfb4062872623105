"""Log-in, log-out, expiry and lock-out, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.auth.conftest import NOW

from yigai.auth import OrgTree, Role, create_user, login, logout, principal_for
from yigai.auth import params as auth_params
from yigai.errors import Conflict, Invalid, Unauthorized
from yigai.store import AuditLog, AuthSession, User

PASSWORD = "village-doctor-1"
RULES = auth_params.in_force(NOW.date())


@pytest.fixture
def db(db_session: Session, orgs: OrgTree) -> Session:
    create_user(
        db_session,
        "wang.cun",
        "village_doctor",
        PASSWORD,
        ["440101C001"],
        orgs=orgs,
        created_by="admin",
    )
    db_session.commit()
    return db_session


def test_log_in_gives_a_principal_with_role_and_units(db: Session, orgs: OrgTree) -> None:
    logged = login(db, "wang.cun", PASSWORD, NOW)
    me = principal_for(db, logged.token, NOW, orgs)
    assert (me.username, me.role, me.roots) == ("wang.cun", Role.VILLAGE_DOCTOR, {"440101C001"})
    assert me.units == {"440101C001"}


def test_only_the_hash_of_the_token_is_stored(db: Session) -> None:
    logged = login(db, "wang.cun", PASSWORD, NOW)
    stored = db.scalars(select(AuthSession.token_sha256)).all()
    assert logged.token not in stored
    assert len(stored) == 1 and len(stored[0]) == 64


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(db: Session) -> None:
    with pytest.raises(Unauthorized) as wrong:
        login(db, "wang.cun", "not-the-password", NOW)
    with pytest.raises(Unauthorized) as unknown:
        login(db, "nobody", "not-the-password", NOW)
    assert (wrong.value.zh, wrong.value.en) == (unknown.value.zh, unknown.value.en)


def test_a_session_expires_after_the_lifetime_parameter(db: Session, orgs: OrgTree) -> None:
    logged = login(db, "wang.cun", PASSWORD, NOW)
    principal_for(db, logged.token, NOW + RULES.session_lifetime - dt.timedelta(seconds=1), orgs)
    with pytest.raises(Unauthorized, match="过期"):
        principal_for(db, logged.token, NOW + RULES.session_lifetime, orgs)


def test_log_out_ends_the_session(db: Session, orgs: OrgTree) -> None:
    logged = login(db, "wang.cun", PASSWORD, NOW)
    logout(db, logged.token)
    with pytest.raises(Unauthorized):
        principal_for(db, logged.token, NOW, orgs)


def _fail(db: Session, times: int) -> None:
    for _ in range(times):
        with pytest.raises(Unauthorized):
            login(db, "wang.cun", "not-the-password", NOW)


def test_repeated_failures_lock_the_account_even_for_the_right_password(db: Session) -> None:
    _fail(db, RULES.lockout_failures)
    with pytest.raises(Unauthorized, match="锁定"):
        login(db, "wang.cun", PASSWORD, NOW + dt.timedelta(minutes=1))


def test_one_failure_fewer_than_the_limit_does_not_lock(db: Session) -> None:
    _fail(db, RULES.lockout_failures - 1)
    assert login(db, "wang.cun", PASSWORD, NOW).token


def test_the_lock_lifts_after_the_lockout_parameter(db: Session) -> None:
    _fail(db, RULES.lockout_failures)
    assert login(db, "wang.cun", PASSWORD, NOW + RULES.lockout_duration).token


def test_failures_survive_the_failed_request(db: Session) -> None:
    """The count is committed, so a request that rolls back after the refusal keeps it."""
    _fail(db, 2)
    db.rollback()
    assert db.scalar(select(User.failed_logins).where(User.username == "wang.cun")) == 2


def test_the_lock_out_is_audited(db: Session) -> None:
    _fail(db, RULES.lockout_failures)
    details = db.scalars(select(AuditLog.detail).where(AuditLog.object == "user:wang.cun")).all()
    assert any(d and d.startswith("locked") for d in details)


def test_a_user_name_with_markup_is_refused(db: Session, orgs: OrgTree) -> None:
    with pytest.raises(Invalid, match="用户名"):
        create_user(db, "<b>x</b>", "auditor", PASSWORD, ["440101"], orgs=orgs, created_by="a")


def test_a_taken_user_name_is_a_conflict(db: Session, orgs: OrgTree) -> None:
    with pytest.raises(Conflict):
        create_user(db, "wang.cun", "auditor", PASSWORD, ["440101"], orgs=orgs, created_by="a")


def test_an_unknown_org_unit_is_refused(db: Session, orgs: OrgTree) -> None:
    with pytest.raises(Invalid, match="XX"):
        create_user(db, "li", "auditor", PASSWORD, ["XX"], orgs=orgs, created_by="a")


def test_an_unknown_role_is_refused(db: Session, orgs: OrgTree) -> None:
    with pytest.raises(Invalid, match="janitor"):
        create_user(db, "li", "janitor", PASSWORD, ["440101"], orgs=orgs, created_by="a")

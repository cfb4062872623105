"""会话 (sessions): log-in, log-out, expiry and lock-out.

A log-in returns an opaque random token; only its SHA-256 is stored, so the table alone lets
no one act as a user. A session ends at log-out (its row is deleted) or when the lifetime in
force at log-in has passed. ``lockout_failures`` wrong passwords in a row lock the account for
``lockout_minutes``; while locked even the right password is refused. The three numbers are
dated parameters (:mod:`yigai.auth.params`).

A failed log-in must count even though the request fails, so :func:`login` commits the
failure before refusing; the count is raised by one ``UPDATE … SET n = n + 1`` so concurrent
failures are all counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from yigai.auth import params as auth_params
from yigai.auth.orgs import OrgTree
from yigai.auth.passwords import burn, hash_password, needs_rehash, verify
from yigai.auth.principal import Principal
from yigai.auth.roles import Role, permissions_of
from yigai.errors import Unauthorized
from yigai.store import AuthSession, User, audit


def _bad_login() -> Unauthorized:
    return Unauthorized("用户名或口令错误", "wrong user name or password")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` as an aware UTC time (SQLite gives naive times back; they are UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@dataclass(frozen=True)
class LoggedIn:
    token: str
    expires_at: dt.datetime
    user: User


def login(db: Session, username: str, password: str, now: dt.datetime) -> LoggedIn:
    """Start a session for ``username``; :class:`Unauthorized` for a wrong name or password
    (the same answer for both) or a locked account."""
    now = utc(now)
    rules = auth_params.in_force(now.date())
    user = db.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        burn(password)
        raise _bad_login()
    if user.locked_until is not None and utc(user.locked_until) > now:
        raise _locked(utc(user.locked_until))
    if not verify(user.password_hash, password):
        _count_failure(db, user, now, rules)
        raise _bad_login()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    db.execute(delete(AuthSession).where(AuthSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    expires = now + rules.session_lifetime
    db.add(
        AuthSession(
            token_sha256=token_hash(token), user_id=user.id, created_at=now, expires_at=expires
        )
    )
    audit(db, user.username, "write", f"session:{user.username}", detail="login")
    db.flush()
    return LoggedIn(token, expires, user)


def _count_failure(
    db: Session, user: User, now: dt.datetime, rules: auth_params.AuthParams
) -> None:
    db.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
    db.refresh(user)
    if user.failed_logins >= rules.lockout_failures:
        user.locked_until, user.failed_logins = now + rules.lockout_duration, 0
        audit(
            db,
            user.username,
            "write",
            f"user:{user.username}",
            detail=f"locked after {rules.lockout_failures} failed log-ins until "
            f"{user.locked_until.isoformat()}",
        )
    db.commit()


def _locked(until: dt.datetime) -> Unauthorized:
    at = until.strftime("%Y-%m-%d %H:%M UTC")
    return Unauthorized(
        f"登录失败次数过多，账户已锁定至 {at}", f"too many failed log-ins: locked until {at}"
    )


def logout(db: Session, token: str) -> None:
    """End the session of ``token`` (a token already ended or unknown is no error)."""
    db.execute(delete(AuthSession).where(AuthSession.token_sha256 == token_hash(token)))


def principal_for(db: Session, token: str, now: dt.datetime, orgs: OrgTree) -> Principal:
    """The user of a live session ``token``; :class:`Unauthorized` if it is unknown, ended,
    expired, or its user is disabled."""
    row = db.execute(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_sha256 == token_hash(token))
    ).first()
    if row is None or not row.User.active:
        raise Unauthorized("未登录或会话已结束，请登录", "not logged in or session ended: log in")
    if utc(row.AuthSession.expires_at) <= utc(now):
        raise Unauthorized("会话已过期，请重新登录", "session expired: log in again")
    return principal_of(row.User, orgs)


def principal_of(user: User, orgs: OrgTree) -> Principal:
    role = Role(user.role)
    roots = frozenset(r.org_id for r in user.roots)
    return Principal(
        username=user.username,
        role=role,
        roots=roots,
        units=orgs.units(roots),
        permissions=permissions_of(role),
    )

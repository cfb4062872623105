"""Tables of log-in (登录与会话): service users, their granted org units, and their sessions.

- ``users`` 用户: a user name, a role, an Argon2 hash of the password (never the password), and
  the lock-out state (consecutive failures, locked until).
- ``user_roots`` 授权机构: the org units granted to a user, the same grant model as the
  warehouse's access list (``*`` grants every unit); the units under them come from
  ``yigai.access.scope.units_in_scope``.
- ``auth_sessions`` 会话: one row per log-in; the opaque token is kept only as its SHA-256, so
  a copy of the database does not let anyone act as a user.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yigai.store.base import Base
from yigai.store.models import Id, utcnow


class User(Base):
    """用户: one person who logs in to the service."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))

    roots: Mapped[list[UserRoot]] = relationship(
        order_by="UserRoot.org_id", cascade="all, delete-orphan"
    )


class UserRoot(Base):
    """授权机构: one org unit granted to a user (``*``: all of them)."""

    __tablename__ = "user_roots"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class AuthSession(Base):
    """会话: a logged-in session, found by the SHA-256 of its token."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

"""审计日志查询 / the audit trail as auditors read it, one function for the API and the pages.

Filters: ``user``, ``person_id`` (a resident's pseudonym, wherever an entry names it), and a
date range ``since``/``until`` (days, inclusive, UTC). An auditor granted part of the county
sees the entries of org units within it; ``*`` sees every entry. The query is itself audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from yigai.auth.principal import Principal
from yigai.errors import Invalid
from yigai.store import AuditLog, audit

AUDIT_READ = "audit.read"


@dataclass(frozen=True)
class AuditFilter:
    user: str | None = None
    person_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class AuditPage:
    total: int
    rows: list[AuditLog]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(db: Session, me: Principal, f: AuditFilter, *, offset: int, limit: int) -> AuditPage:
    """Entries newest first within ``me``'s scope; the search is appended to the trail."""
    me.require(AUDIT_READ)
    if f.since and f.until and f.until < f.since:
        raise Invalid("结束日期早于开始日期", "until is before since")
    where = []
    if not me.everything:
        where.append(AuditLog.org_id.in_(sorted(me.units)))
    if f.user:
        where.append(AuditLog.user == f.user)
    if f.person_id:
        pattern = _like(f.person_id)
        where.append(
            or_(
                AuditLog.object.like(pattern, escape="\\"),
                AuditLog.detail.like(pattern, escape="\\"),
            )
        )
    if f.since:
        where.append(AuditLog.at >= dt.datetime.combine(f.since, dt.time(), dt.UTC))
    if f.until:
        end = dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        where.append(AuditLog.at < end)
    total = db.scalar(select(func.count()).select_from(AuditLog).where(*where)) or 0
    rows = db.scalars(
        select(AuditLog)
        .where(*where)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    filters = f"user={f.user} person_id={f.person_id} since={f.since} until={f.until}"
    audit(db, me.username, "read", "audit_log", detail=f"scope={me.describe_scope()} {filters}")
    return AuditPage(total=total, rows=list(rows))

"""GET /api/audit: the audit trail for auditors (and administrators), newest first.

Filters: ``user``, ``person_id`` (a resident's pseudonym, wherever an entry names it), and a
date range ``since``/``until`` (days, inclusive, UTC). An auditor granted part of the county
sees the entries of org units within it; ``*`` sees every entry. The query is itself audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, or_, select

from yigai.errors import Invalid
from yigai.service.deps import Db, Me
from yigai.service.fields import PersonIdQuery, UserQuery
from yigai.service.paging import Paging
from yigai.store import AuditLog, audit

router = APIRouter(prefix="/api", tags=["audit"])


def _entry(row: AuditLog) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.replace(tzinfo=row.at.tzinfo or dt.UTC).isoformat(),
        "user": row.user,
        "action": row.action,
        "object": row.object,
        "org_id": row.org_id,
        "detail": row.detail,
    }


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@router.get("/audit", summary="审计日志查询 / query the audit trail")
def query_audit(
    me: Me,
    db: Db,
    paging: Paging,
    user: UserQuery = None,
    person_id: PersonIdQuery = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    me.require("audit.read")
    if since and until and until < since:
        raise Invalid("结束日期早于开始日期", "until is before since")
    where = []
    if not me.everything:
        where.append(AuditLog.org_id.in_(sorted(me.units)))
    if user:
        where.append(AuditLog.user == user)
    if person_id:
        pattern = _like(person_id)
        where.append(
            or_(
                AuditLog.object.like(pattern, escape="\\"),
                AuditLog.detail.like(pattern, escape="\\"),
            )
        )
    if since:
        where.append(AuditLog.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        where.append(AuditLog.at < end)
    total = db.scalar(select(func.count()).select_from(AuditLog).where(*where)) or 0
    rows = db.scalars(
        select(AuditLog)
        .where(*where)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .offset(paging.offset)
        .limit(paging.page_size)
    ).all()
    filters = f"user={user} person_id={person_id} since={since} until={until}"
    audit(db, me.username, "read", "audit_log", detail=f"scope={me.describe_scope()} {filters}")
    return {
        "items": [_entry(r) for r in rows],
        "page": paging.page,
        "page_size": paging.page_size,
        "total": total,
    }

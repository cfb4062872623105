"""GET /api/audit: the audit trail for auditors (and administrators), newest first.

Filters: ``user``, ``person_id`` (a resident's pseudonym, wherever an entry names it), and a
date range ``since``/``until`` (days, inclusive, UTC). An auditor granted part of the county
sees the entries of org units within it; ``*`` sees every entry. The query is itself audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter

from yigai.auth.audit_trail import AuditFilter, search
from yigai.service.deps import Db, Me
from yigai.service.fields import PersonIdQuery, UserQuery
from yigai.service.paging import Paging
from yigai.store import AuditLog

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
    found = search(
        db,
        me,
        AuditFilter(user=user, person_id=person_id, since=since, until=until),
        offset=paging.offset,
        limit=paging.page_size,
    )
    return {
        "items": [_entry(r) for r in found.rows],
        "page": paging.page,
        "page_size": paging.page_size,
        "total": found.total,
    }

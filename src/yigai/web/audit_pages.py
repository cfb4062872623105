"""审计日志 page: the auditor's view of the audit trail (who, when, what, which resident, which
unit), filtered like ``GET /api/audit`` through the same library function, newest first."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from yigai.auth.audit_trail import AuditFilter, search
from yigai.errors import Invalid
from yigai.service.deps import Ctx, Db
from yigai.web.guard import guarded
from yigai.web.render import page
from yigai.web.session import principal

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100


def _day(request: Request, name: str) -> dt.date | None:
    text = (request.query_params.get(name) or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"{name}：日期应写作 2025-12-31", f"{name}: a date is written 2025-12-31"
        ) from None


@router.get("/audit")
@guarded
def audit_page(request: Request, ctx: Ctx, db: Db) -> Response:
    me = principal(request, ctx, db)
    q = request.query_params
    chosen = AuditFilter(
        user=(q.get("user") or "").strip() or None,
        person_id=(q.get("person_id") or "").strip() or None,
        since=_day(request, "since"),
        until=_day(request, "until"),
    )
    number = max(1, int(q["page"])) if q.get("page", "").isdigit() else 1
    found = search(db, me, chosen, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    last = max(1, -(-found.total // PAGE_SIZE))
    return page(
        request,
        "audit.html",
        me,
        chosen=chosen,
        found=found,
        number=number,
        last=last,
        prev_url=_page_url(request, number - 1) if number > 1 else None,
        next_url=_page_url(request, number + 1) if number < last else None,
    )


def _page_url(request: Request, number: int) -> str:
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    return "/audit?" + urlencode({**params, "page": number})

"""医保局结算单 (the insurance bureau's view, issue 17 §3): stored settlement statements by
community and year (with the budget balance), by institution and year (DIP) and by
institution and month, a statement's detail with its versions and inputs, the comparison of
two versions, and the XLSX / PDF download written by the same function as
``yigai statements export``.

Pages read stored statements only (:mod:`yigai.policy.statements.store`): aggregates, no
personal data. Permission ``statements.read``; a statement is shown only when its settled
unit is in the user's scope (the region summary only when every community and DIP hospital
of that region-year is), otherwise it is a 404, exactly as one that does not exist.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request, Response

from yigai.auth.principal import Principal
from yigai.errors import NotFound
from yigai.policy.commands import yuan
from yigai.policy.statements.export import FORMATS, export_statement, title
from yigai.policy.statements.store import (
    StatementError,
    StoredStatement,
    diff_statements,
    list_statements,
    read_statement,
)
from yigai.service.deps import Ctx, Db
from yigai.warehouse import Warehouse
from yigai.web.dashboards.figures import warehouse_of
from yigai.web.guard import guarded
from yigai.web.render import lang_of, page
from yigai.web.report_pages import disposition
from yigai.web.session import principal

router = APIRouter(include_in_schema=False)
PERMISSION = "statements.read"
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _missing() -> NotFound:
    return NotFound("没有这张结算单", "no such statement")


def _say(lang: str):  # type: ignore[no-untyped-def]
    """A ``中文 / English`` text in the page's language."""

    def say(text: str | None) -> str:
        zh, sep, en = (text or "").partition(" / ")
        return zh if lang == "zh" or not sep else en

    return say


#: The statements whose units make up the pooling region's own settlement: its communities
#: and its DIP hospitals (in-county by definition). Month statements also name hospitals
#: outside the county that treated its residents, which no county user's scope holds.
_REGION_UNITS = ("community_year", "institution_year")


def _visible(me: Principal, s: StoredStatement, peers: list[StoredStatement]) -> bool:
    """In scope: the settled unit's; for the region summary, every community and DIP
    hospital of its region-year (:data:`_REGION_UNITS`)."""
    if s.statement.kind != "region_year":
        return me.in_scope(s.statement.subject_id)
    units = {
        p.statement.subject_id
        for p in peers
        if p.statement.kind in _REGION_UNITS and p.statement.region == s.statement.region
    }
    return me.everything or (bool(units) and all(me.in_scope(u) for u in units))


def _years(wh: Warehouse) -> list[int]:
    return sorted(set(wh.read("statements", columns=["year"])["year"].to_pylist()), reverse=True)


def _user(request: Request, ctx: Ctx, db: Db) -> tuple[Principal, Warehouse]:
    me = principal(request, ctx, db)
    me.require(PERMISSION)
    return me, warehouse_of(ctx.warehouse)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.strip().isdigit() else None


@router.get("/insurance")
@guarded
def insurance_page(request: Request, ctx: Ctx, db: Db) -> Response:
    me, wh = _user(request, ctx, db)
    years = _years(wh)
    asked = _int(request.query_params.get("year"))
    year = asked if asked in years else (years[0] if years else None)
    found = list_statements(wh, year=year) if year is not None else []
    shown = [s for s in found if _visible(me, s, found)]
    by_kind: dict[str, list[StoredStatement]] = {}
    for s in shown:
        by_kind.setdefault(s.statement.kind, []).append(s)
    months = sorted(
        {s.statement.month_key for s in by_kind.get("institution_month", [])}, reverse=True
    )
    month = _int(request.query_params.get("month"))
    month = month if month in months else (months[0] if months else None)
    return page(
        request,
        "insurance.html",
        me,
        years=years,
        year=year,
        months=months,
        month=month,
        communities=by_kind.get("community_year", []),
        dip=by_kind.get("institution_year", []),
        monthly=[s for s in by_kind.get("institution_month", []) if s.statement.month_key == month],
        region=by_kind.get("region_year", []),
        amount=_amounts,
        title=title,
        say=_say(lang_of(request)),
        yuan=yuan,
        quote=quote,
    )


def _amounts(s: StoredStatement) -> dict[str, int | None]:
    return {ln.item: ln.amount_fen for ln in s.statement.lines}


def _statement(
    me: Principal, wh: Warehouse, statement_id: str, version: int | None
) -> StoredStatement:
    try:
        s = read_statement(wh, statement_id, version)
    except StatementError:
        raise _missing() from None
    peers = list_statements(wh, region=s.statement.region, year=s.statement.year)
    if not _visible(me, s, peers):
        raise _missing()
    return s


@router.get("/insurance/statements/{statement_id}")
@guarded
def statement_page(statement_id: str, request: Request, ctx: Ctx, db: Db) -> Response:
    me, wh = _user(request, ctx, db)
    s = _statement(me, wh, statement_id, _int(request.query_params.get("version")))
    against = _int(request.query_params.get("against"))
    old = _statement(me, wh, statement_id, against) if against is not None else None
    return page(
        request,
        "insurance_statement.html",
        me,
        s=s,
        old=old,
        changes=diff_statements(old, s) if old is not None else [],
        formats=FORMATS,
        title=title,
        say=_say(lang_of(request)),
        yuan=yuan,
        quote=quote,
    )


@router.get("/insurance/statements/{statement_id}/download/{fmt}")
@guarded
def download(statement_id: str, fmt: str, request: Request, ctx: Ctx, db: Db) -> Response:
    me, wh = _user(request, ctx, db)
    if fmt not in FORMATS:
        raise NotFound(f"没有 {fmt} 格式的结算单", f"no statement in format {fmt}")
    s = _statement(me, wh, statement_id, _int(request.query_params.get("version")))
    name = f"{title(s)}-v{s.version}.{fmt}".replace(" ", "")
    with tempfile.TemporaryDirectory() as folder:
        content = export_statement(s, Path(folder) / f"statement.{fmt}").read_bytes()
    return Response(
        content,
        media_type=MEDIA[fmt],
        headers={
            "Content-Disposition": disposition(name, f"statement-v{s.version}.{fmt}"),
            "Cache-Control": "private, no-store",
        },
    )

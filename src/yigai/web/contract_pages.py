"""家庭医生签约 pages: sign a resident to a team in scope, renew from the worklist.

Thin over :mod:`yigai.community.contracts` (one valid contract at a time, the term, the
package list and the scope are its rules); a refusal is shown beside its field.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from yigai.auth.principal import Principal
from yigai.community import contracts
from yigai.community._common import local_day
from yigai.community.directory import Resident
from yigai.errors import Conflict, Invalid, NotFound
from yigai.records.labels import PACKAGE
from yigai.service.context import ServiceContext
from yigai.service.deps import Ctx, Db
from yigai.store.models_community import Team
from yigai.web.doctor import org_namer
from yigai.web.forms import Form
from yigai.web.guard import guarded
from yigai.web.render import page
from yigai.web.session import posted, principal

router = APIRouter(include_in_schema=False)


def _teams(db: Db, me: Principal) -> list[Team]:
    rows = db.scalars(select(Team).order_by(Team.code))
    return [t for t in rows if me.in_scope(t.institution_id)]


def _form_page(
    request: Request,
    me: Principal,
    ctx: ServiceContext,
    db: Db,
    resident: Resident,
    form: Form,
    status: int = 200,
) -> Response:
    return page(
        request,
        "contract_form.html",
        me,
        status=status,
        resident=resident,
        form=form,
        teams=_teams(db, me),
        packages=PACKAGE,
        org=org_namer(ctx),
    )


@router.get("/residents/{person_id}/contract")
@guarded
def contract_form(request: Request, person_id: str, ctx: Ctx, db: Db) -> Response:
    me = principal(request, ctx, db)
    me.require(contracts.WRITE)
    resident = ctx.directory.resident(me, person_id)
    return _form_page(request, me, ctx, db, resident, Form({"package": "basic"}))


@router.post("/residents/{person_id}/contract")
@guarded
async def contract_post(request: Request, person_id: str, ctx: Ctx, db: Db) -> Response:
    form, me = await posted(request, ctx, db)
    me.require(contracts.WRITE)
    resident = ctx.directory.resident(me, person_id)
    team_id = form.integer("team_id")
    package = form.choice("package", PACKAGE)
    if team_id is None and "team_id" not in form.errors:
        form.errors["team_id"] = "required"
    if form.errors:
        return _form_page(request, me, ctx, db, resident, form, 422)
    try:
        contracts.sign_contract(
            db,
            me,
            ctx.directory,
            person_id=resident.person_id,
            team_id=team_id or 0,
            package=package or "basic",
            today=local_day(ctx.clock()),
        )
    except (Invalid, Conflict, NotFound) as exc:
        if isinstance(exc, NotFound) and "team" not in exc.en:
            raise
        db.rollback()
        form.errors["package" if "package" in exc.en else "team_id"] = exc  # type: ignore[assignment]
        return _form_page(request, me, ctx, db, resident, form, exc.status)
    return RedirectResponse(f"/residents/{resident.person_id}?saved=contract", status_code=303)


@router.post("/contracts/{contract_id}/renew")
@guarded
async def renew(request: Request, contract_id: int, ctx: Ctx, db: Db) -> Response:
    _, me = await posted(request, ctx, db)
    renewed = contracts.renew_contract(
        db, me, ctx.directory, contract_id, today=local_day(ctx.clock())
    )
    return RedirectResponse(f"/residents/{renewed.person_id}?saved=contract", status_code=303)

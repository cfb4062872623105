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
from yigai.errors import Conflict, Invalid, NotFound
from yigai.records.labels import PACKAGE
from yigai.service.deps import Ctx, Db
from yigai.store.models_community import Team
from yigai.web.forms import Form, field_of, refuse
from yigai.web.guard import guarded
from yigai.web.resident_forms import AboutResident, opened, submitted
from yigai.web.session import posted

router = APIRouter(include_in_schema=False)
#: Which field a library refusal of a signing is about (by its English text); else the team.
FIELD_OF_ERROR = (("package", "package"),)


def _teams(db: Db, me: Principal) -> list[Team]:
    rows = db.scalars(select(Team).order_by(Team.code))
    return [t for t in rows if me.in_scope(t.institution_id)]


def _form_page(at: AboutResident, db: Db, form: Form, status: int = 200) -> Response:
    return at.page("contract_form.html", form, status, teams=_teams(db, at.me), packages=PACKAGE)


@router.get("/residents/{person_id}/contract")
@guarded
def contract_form(request: Request, person_id: str, ctx: Ctx, db: Db) -> Response:
    at = opened(request, ctx, db, person_id, contracts.WRITE)
    return _form_page(at, db, Form({"package": "basic"}))


@router.post("/residents/{person_id}/contract")
@guarded
async def contract_post(request: Request, person_id: str, ctx: Ctx, db: Db) -> Response:
    form, at = await submitted(request, ctx, db, person_id, contracts.WRITE)
    team_id = form.integer("team_id")
    package = form.choice("package", PACKAGE)
    if team_id is None and "team_id" not in form.errors:
        form.errors["team_id"] = "required"
    if form.errors:
        return _form_page(at, db, form, 422)
    try:
        contracts.sign_contract(
            db,
            at.me,
            ctx.directory,
            person_id=at.resident.person_id,
            team_id=team_id or 0,
            package=package or "basic",
            today=local_day(ctx.clock()),
        )
    except (Invalid, Conflict, NotFound) as exc:
        if isinstance(exc, NotFound) and "team" not in exc.en:
            raise
        status = refuse(db, form, exc, field_of(exc, FIELD_OF_ERROR, "team_id"))
        return _form_page(at, db, form, status)
    return RedirectResponse(f"/residents/{at.resident.person_id}?saved=contract", status_code=303)


@router.post("/contracts/{contract_id}/renew")
@guarded
async def renew(request: Request, contract_id: int, ctx: Ctx, db: Db) -> Response:
    _, me = await posted(request, ctx, db)
    renewed = contracts.renew_contract(
        db, me, ctx.directory, contract_id, today=local_day(ctx.clock())
    )
    return RedirectResponse(f"/residents/{renewed.person_id}?saved=contract", status_code=303)

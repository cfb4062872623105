"""申请转诊 (request a referral) from a resident's page: up to the lead hospital from a village
clinic or township centre, down to the family-doctor team from a county hospital.

The library decides everything (who may refer which way, the destination, the green
channel); the page offers the user's own institutions and shows a refusal beside its field.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from yigai.auth.principal import Principal
from yigai.community import referrals as lib
from yigai.community.directory import Resident
from yigai.errors import Invalid, NotFound
from yigai.service.context import ServiceContext
from yigai.service.deps import Ctx, Db
from yigai.web.forms import Form, field_of, refuse
from yigai.web.guard import guarded
from yigai.web.resident_forms import AboutResident, opened, submitted

router = APIRouter(include_in_schema=False)

DIRECTIONS = ("up", "down")
#: Which field a library refusal is about (by its English text); otherwise above the form.
FIELD_OF_ERROR = (
    ("reason", "reason"),
    ("summary", "summary"),
    ("diagnosis", "diagnosis_code"),
    ("follow-up plan", "followup_plan"),
    ("refers patients", "direction"),
    ("direction", "direction"),
    ("institution", "from_institution_id"),
)


def _origins(me: Principal, ctx: ServiceContext, resident: Resident) -> list[str]:
    """The institutions the user may refer from: their own (the home unit for a user of all)."""
    units = [resident.home_unit_id] if me.everything else sorted(me.units)
    found = []
    for unit in units:
        try:
            ctx.directory.institution(unit)
        except NotFound:
            continue  # a county or community, not an institution
        found.append(unit)
    return found


def _form_page(at: AboutResident, form: Form, status: int = 200) -> Response:
    origins = _origins(at.me, at.ctx, at.resident)
    return at.page("referral_form.html", form, status, origins=origins, directions=DIRECTIONS)


@router.get("/residents/{person_id}/referral")
@guarded
def referral_form(request: Request, person_id: str, ctx: Ctx, db: Db) -> Response:
    at = opened(request, ctx, db, person_id, lib.CREATE)
    origins = _origins(at.me, ctx, at.resident)
    form = Form({"direction": "up", "from_institution_id": origins[0] if origins else ""})
    return _form_page(at, form)


@router.post("/residents/{person_id}/referral")
@guarded
async def referral_post(request: Request, person_id: str, ctx: Ctx, db: Db) -> Response:
    form, at = await submitted(request, ctx, db, person_id, lib.CREATE)
    direction = form.choice("direction", DIRECTIONS)
    if form.errors:
        return _form_page(at, form, 422)
    try:
        row = lib.request_referral(
            db,
            at.me,
            ctx.directory,
            person_id=at.resident.person_id,
            direction=direction or "",
            from_institution_id=form.get("from_institution_id"),
            reason=form.get("reason"),
            diagnosis_code=form.get("diagnosis_code"),
            summary=form.get("summary"),
            followup_plan=form.get("followup_plan") or None,
            urgent=form.flag("urgent"),
            now=ctx.clock(),
        )
    except (Invalid, NotFound) as exc:
        if isinstance(exc, NotFound) and "institution" not in exc.en:
            raise  # the resident went out of scope: the 404 page
        return _form_page(at, form, refuse(db, form, exc, field_of(exc, FIELD_OF_ERROR)))
    return RedirectResponse(f"/referrals/{row.id}", status_code=303)

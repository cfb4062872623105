"""Doctors' pages: the worklist, a resident (masked), recording a follow-up, a referral.

Thin over the library, exactly as the API routes are: :mod:`yigai.community.worklists`,
:mod:`~yigai.community.chronic` and :mod:`~yigai.community.referrals` check the role and the
scope and write the audit trail; a page only parses the form and shows the answer.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from yigai.auth.principal import Principal, not_found
from yigai.community import chronic, worklists
from yigai.community import referrals as lib
from yigai.community._common import local_day
from yigai.errors import Conflict, Invalid
from yigai.records.labels import CLASSIFICATION, FOLLOWUP_MODE
from yigai.service.context import ServiceContext
from yigai.service.deps import Ctx, Db
from yigai.service.routes.residents import audit_resident_read
from yigai.store.models_community import ChronicCase, Contract, Followup, Referral
from yigai.web.forms import Form, field_of, refuse
from yigai.web.guard import guarded
from yigai.web.render import page
from yigai.web.session import posted, principal

router = APIRouter(include_in_schema=False)

#: Which form field a library refusal of a follow-up is about (by its English text), so the
#: message shows beside that field; anything else shows above the form.
FIELD_OF_ERROR = (
    ("SBP and DBP", "sbp"),
    ("BP reading", "sbp"),
    ("glucose", "fasting_glucose"),
    ("follow-up date", "followup_date"),
    ("follow-up mode", "mode"),
    ("classification", "classification"),
)


def org_namer(ctx: ServiceContext):  # type: ignore[no-untyped-def]
    info = ctx.orgs.info

    def name(org_id: str | None) -> str:
        found = info.get(org_id or "")
        return found.name if found is not None else (org_id or "—")

    return name


@router.get("/worklist")
@guarded
def worklist(request: Request, ctx: Ctx, db: Db) -> Response:
    me = principal(request, ctx, db)
    today = local_day(ctx.clock())
    followups = renewals = referrals = None
    if me.can(worklists.WORKLISTS):
        followups = worklists.followups_due(db, me, today=today)
        renewals = worklists.contracts_due_for_renewal(db, me, today=today)
    if me.can(worklists.RECEIVE):
        referrals = worklists.referrals_awaiting(db, me, now=ctx.clock())
    if followups is None and referrals is None:
        return RedirectResponse("/", status_code=303)
    return page(
        request,
        "worklist.html",
        me,
        followups=followups,
        renewals=renewals,
        referrals=referrals,
        org=org_namer(ctx),
        today=today,
    )


def _cases_of(db: Db, me: Principal, person_id: str) -> list[ChronicCase]:
    rows = db.scalars(
        select(ChronicCase).where(ChronicCase.person_id == person_id).order_by(ChronicCase.id)
    )
    return [c for c in rows if me.in_scope(c.institution_id)]


@router.get("/residents/{person_id}")
@guarded
def resident(request: Request, person_id: str, ctx: Ctx, db: Db) -> Response:
    me = principal(request, ctx, db)
    me.require("residents.read")
    found = ctx.directory.resident(me, person_id)  # NotFound outside the scope
    cases = _cases_of(db, me, person_id) if me.can(chronic.READ) else []
    followups = (
        db.scalars(
            select(Followup)
            .where(Followup.case_id.in_([c.id for c in cases]))
            .order_by(Followup.followup_date.desc(), Followup.id.desc())
            .limit(20)
        ).all()
        if cases
        else []
    )
    signed = (
        [
            c
            for c in db.scalars(
                select(Contract)
                .where(Contract.person_id == person_id)
                .order_by(Contract.valid_from.desc())
            )
            if me.in_scope(c.institution_id)
        ]
        if me.can("contracts.read")
        else []
    )
    audit_resident_read(db, me, found, via=" (web)")
    return page(
        request,
        "resident.html",
        me,
        resident=found,
        cases=cases,
        followups=followups,
        contracts=signed,
        saved=request.query_params.get("saved"),
        org=org_namer(ctx),
    )


def _case(db: Db, me: Principal, case_id: int) -> ChronicCase:
    me.require(chronic.WRITE)
    case = db.get(ChronicCase, case_id)
    if case is None or not me.in_scope(case.institution_id):
        raise not_found("慢病档案 / chronic case")
    return case


def _form_page(
    request: Request, me: Principal, ctx: ServiceContext, case: ChronicCase, form: Form, status: int
) -> Response:
    return page(
        request,
        "followup.html",
        me,
        status=status,
        case=case,
        form=form,
        modes=FOLLOWUP_MODE,
        classifications=CLASSIFICATION,
        measured=case.disease in chronic.MEASURED,
        org=org_namer(ctx),
    )


@router.get("/cases/{case_id}/followup")
@guarded
def followup_form(request: Request, case_id: int, ctx: Ctx, db: Db) -> Response:
    me = principal(request, ctx, db)
    case = _case(db, me, case_id)
    form = Form({"followup_date": local_day(ctx.clock()).isoformat(), "mode": "clinic"})
    return _form_page(request, me, ctx, case, form, 200)


@router.post("/cases/{case_id}/followup")
@guarded
async def followup_post(request: Request, case_id: int, ctx: Ctx, db: Db) -> Response:
    form, me = await posted(request, ctx, db)
    case = _case(db, me, case_id)
    values = {
        "followup_date": form.date("followup_date"),
        "mode": form.choice("mode", FOLLOWUP_MODE) or "clinic",
        "sbp": form.integer("sbp"),
        "dbp": form.integer("dbp"),
        "fasting_glucose": form.decimal("fasting_glucose"),
        "classification": form.choice("classification", CLASSIFICATION),
        "next_due": form.date("next_due"),
        **{k: form.flag(k) for k in ("new_symptoms", "adverse_reaction", "complication")},
        "danger_signs": form.flag("danger_signs"),
    }
    if values["followup_date"] is None and "followup_date" not in form.errors:
        form.errors["followup_date"] = "required"
    if form.errors:
        return _form_page(request, me, ctx, case, form, 422)
    try:
        done = chronic.record_followup(db, me, ctx.directory, case.id, **values, now=ctx.clock())
    except Invalid as exc:
        field = field_of(exc, FIELD_OF_ERROR)
        if field == "sbp" and form.get("sbp") and not form.get("dbp"):
            field = "dbp"  # "needs SBP and DBP" belongs beside the one left empty
        status = refuse(db, form, exc, field)
        return _form_page(request, me, ctx, db.get(ChronicCase, case_id) or case, form, status)
    if done.referral_id is not None:
        return RedirectResponse(f"/referrals/{done.referral_id}?proposed=1", status_code=303)
    return RedirectResponse(f"/residents/{done.person_id}?saved={done.id}", status_code=303)


def _actions(me: Principal, row: Referral) -> list[lib.Action]:
    """The transitions this user may take on the referral now (the library checks again)."""
    side = {"to": row.to_institution_id, "from": row.from_institution_id}
    return [
        a
        for a in lib.ACTIONS.values()
        if row.state in a.sources and me.can(a.permission) and me.in_scope(side[a.side])
    ]


@router.get("/referrals/{referral_id}")
@guarded
def referral(request: Request, referral_id: int, ctx: Ctx, db: Db) -> Response:
    me = principal(request, ctx, db)
    return _referral_page(request, me, ctx, db, referral_id)


def _referral_page(
    request: Request,
    me: Principal,
    ctx: ServiceContext,
    db: Db,
    referral_id: int,
    refusal: Invalid | Conflict | None = None,
) -> Response:
    row = lib.get_referral(db, me, referral_id)
    return page(
        request,
        "referral.html",
        me,
        status=200 if refusal is None else refusal.status,
        r=row,
        actions=_actions(me, row),
        proposed=request.query_params.get("proposed") == "1",
        refusal=refusal,
        org=org_namer(ctx),
    )


@router.post("/referrals/{referral_id}/{action}")
@guarded
async def referral_act(
    request: Request, referral_id: int, action: str, ctx: Ctx, db: Db
) -> Response:
    form, me = await posted(request, ctx, db)
    note = form.get("note") or None
    try:
        lib.transition(db, me, referral_id, action, now=ctx.clock(), note=note)
    except (Invalid, Conflict) as exc:  # e.g. no reason given, or someone else was first
        db.rollback()
        return _referral_page(request, me, ctx, db, referral_id, exc)
    return RedirectResponse(f"/referrals/{referral_id}", status_code=303)

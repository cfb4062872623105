"""政策测算 page (issue 17 §3): the insurance bureau's what-if over a settled year.

A form of up to :data:`MAX_CHANGES` parameter changes (path and value, the settable paths
and their values in force listed beside) and one optional care-seeking shift; the answer is
the baseline / reform / difference by level, institution and community, or its XLSX. Every
rule is the library's, called as ``yigai whatif`` calls it
(:func:`~yigai.policy.whatif.reform.reform_from`, :func:`~yigai.policy.whatif.scenario.parse_shift`,
:func:`~yigai.policy.whatif.resettle.whatif`, :func:`~yigai.policy.whatif.report.write_xlsx`);
the page only says which field a refusal belongs beside.

The re-settlement runs in memory and writes nothing. It runs synchronously: on the serve
demo county (20,000 residents) it takes about 3 s, on the test county well under 1 s.
Scope: a region is shown only when its region summary statement is (every community and DIP
hospital of the region-year in scope, :func:`yigai.web.insurance_pages._visible`), otherwise
404; the figures are aggregates, no personal data.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request, Response

from yigai.auth.principal import Principal
from yigai.errors import NotFound
from yigai.policy.statements.store import list_statements
from yigai.service.deps import Ctx, Db
from yigai.warehouse import Warehouse
from yigai.web.forms import Form
from yigai.web.guard import guarded
from yigai.web.insurance_pages import MEDIA, _say, _user, _visible, _years
from yigai.web.render import lang_of, page
from yigai.web.report_pages import disposition
from yigai.web.session import posted

router = APIRouter(include_in_schema=False)
MAX_CHANGES = 4
SHIFT_FIELDS = ("shift_care", "shift_source", "shift_target", "shift_share")


def _region(me: Principal, wh: Warehouse, year: int | None, asked: str | None) -> str:
    """The region of the what-if: the one asked, else the first settled in ``year`` — only
    one whose region summary the user may see (404 otherwise, as a missing one)."""
    found = list_statements(wh, year=year) if year is not None else []
    regions = sorted(
        s.statement.region
        for s in found
        if s.statement.kind == "region_year" and _visible(me, s, found)
    )
    if asked in regions or (asked is None and regions):
        return asked or regions[0]
    raise NotFound("没有这个已结算的统筹区年度", "no such settled region and year")


def _place(request: Request, me: Principal, wh: Warehouse, form: Form | None) -> tuple[int, str]:
    years = _years(wh)
    raw = form.get("year") if form is not None else request.query_params.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else (years[0] if years else None)
    asked = form.get("region") if form is not None else request.query_params.get("region")
    region = _region(me, wh, year, asked or None)
    assert year is not None  # a region was found, so the year has statements
    return year, region


def _show(
    request: Request,
    me: Principal,
    wh: Warehouse,
    year: int,
    region: str,
    form: Form,
    result: object = None,
    status: int = 200,
) -> Response:
    from yigai.policy.scheme import CARE_TYPES, LEVELS
    from yigai.policy.whatif.figures import METRICS, SECTIONS
    from yigai.policy.whatif.reform import settable
    from yigai.policy.whatif.report import heading, shown

    return page(
        request,
        "whatif.html",
        me,
        status=status,
        years=_years(wh),
        year=year,
        region=region,
        form=form,
        rows=range(1, MAX_CHANGES + 1),
        settable=settable(region, year),
        care_types=CARE_TYPES,
        levels=LEVELS,
        result=result,
        heading=heading,
        sections=SECTIONS,
        metrics=METRICS,
        shown=shown,
        say=_say(lang_of(request)),
    )


@router.get("/insurance/whatif")
@guarded
def whatif_form(request: Request, ctx: Ctx, db: Db) -> Response:
    me, wh = _user(request, ctx, db)
    year, region = _place(request, me, wh, None)
    return _show(request, me, wh, year, region, Form({}))


@router.post("/insurance/whatif")
@guarded
async def whatif_post(request: Request, ctx: Ctx, db: Db) -> Response:
    from yigai.policy.whatif.reform import ReformError
    from yigai.policy.whatif.resettle import whatif

    form, _ = await posted(request, ctx, db)
    me, wh = _user(request, ctx, db)
    year, region = _place(request, me, wh, form)
    reform, shifts = _read(form, region, year)
    if form.errors:
        return _show(request, me, wh, year, region, form, status=422)
    try:
        result = whatif(wh, year, region, reform, shifts)
    except ReformError as exc:  # e.g. a shift to a level with no case, a broken rule
        form.errors["form"] = exc  # type: ignore[assignment]
        return _show(request, me, wh, year, region, form, status=422)
    if form.get("action") == "xlsx":
        return _xlsx(result)
    return _show(request, me, wh, year, region, form, result)


def _read(form: Form, region: str, year: int):  # type: ignore[no-untyped-def]
    """The reform and shifts of the form, each refusal recorded beside its field."""
    from yigai.policy.whatif.reform import ReformError, reform_from, settable
    from yigai.policy.whatif.scenario import parse_shift

    known = {s.path for s in settable(region, year)}
    assignments = []
    for i in range(1, MAX_CHANGES + 1):
        path, value = form.get(f"path{i}"), form.get(f"value{i}")
        if not path and not value:
            continue
        if not path or not value:
            form.errors[f"path{i}" if not path else f"value{i}"] = "required"
            continue
        try:
            reform_from(region, year, [f"{path}={value}"])
        except ReformError as exc:  # an unknown path beside the path, else beside the value
            form.errors[f"path{i}" if path not in known else f"value{i}"] = exc  # type: ignore[assignment]
            continue
        assignments.append(f"{path}={value}")
    shifts = []
    care, source, target, share = (form.get(name) for name in SHIFT_FIELDS)
    if any((care, source, target, share)):
        try:
            shifts.append(parse_shift(f"{care}:{source}->{target}={share}"))
        except ReformError as exc:
            form.errors["shift_share"] = exc  # type: ignore[assignment]
    reform = reform_from(region, year, assignments) if not form.errors else None
    return reform, shifts


def _xlsx(result) -> Response:  # type: ignore[no-untyped-def]
    from yigai.policy.whatif.report import write_xlsx

    with tempfile.TemporaryDirectory() as folder:
        content = write_xlsx(result, Path(folder) / "whatif.xlsx").read_bytes()
    name = f"政策测算-{result.region}-{result.year}.xlsx"
    return Response(
        content,
        media_type=MEDIA["xlsx"],
        headers={
            "Content-Disposition": disposition(name, f"whatif-{result.year}.xlsx"),
            "Cache-Control": "private, no-store",
        },
    )

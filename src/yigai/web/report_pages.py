"""报告下载 (report downloads): the monthly report and the quarterly bulletin of the unit and
period in view, as DOCX, PDF and XLSX, written from the same stored inputs by the same
library calls as ``yigai report`` (:mod:`yigai.reports.produce`) and cached per unit,
period and state of the inputs (:mod:`yigai.web.report_files`).

A month gives its monthly report (月度进展报告), a quarter its bulletin (季度通报). Officials
with the indicator dashboards' permission may download the report of any unit in their
scope; a unit outside it is a 404, exactly as if it did not exist.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from yigai.errors import Invalid, NotFound
from yigai.periods import Grain, Period, PeriodError, parse
from yigai.reports.model import ReportDataError
from yigai.service.deps import Ctx, Db
from yigai.web import report_files
from yigai.web.dashboards import views
from yigai.web.dashboards.common import INDICATORS, Words, scene
from yigai.web.dashboards.figures import warehouse_of
from yigai.web.guard import guarded
from yigai.web.render import page
from yigai.web.session import principal

router = APIRouter(include_in_schema=False)
#: The product of each period grain, and its name in the downloaded file's name.
KIND = {Grain.QUARTER: "bulletin", Grain.MONTH: "monthly"}
TITLE_ZH = {"bulletin": "通报", "monthly": "进展报告"}


def _period(period_id: str) -> Period:
    """A month or a quarter; anything else names no report (404, as an unknown record)."""
    try:
        period = parse(period_id.strip())
    except PeriodError:
        period = None
    if period is None or period.grain not in KIND:
        raise NotFound(
            f"没有周期 {period_id!r} 的报告（月份如 202512，季度如 2025Q4）",
            f"no report for period {period_id!r} (a month such as 202512 or a quarter 2025Q4)",
        )
    return period


def file_name(unit_name: str, period: Period, kind: str, fmt: str) -> str:
    """The Chinese name a download is saved under: 某县2025年第4季度通报.docx."""
    return f"{unit_name}{period.label_zh}{TITLE_ZH[kind]}.{fmt}"


def disposition(name: str, fallback: str) -> str:
    """``attachment`` with the UTF-8 name (RFC 5987 ``filename*``) and an ASCII fallback for
    clients that do not read it."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/reports")
@guarded
def reports_page(request: Request, ctx: Ctx, db: Db) -> Response:
    s = scene(request, ctx, db, INDICATORS)
    unit = views.unit(ctx.orgs, s.me, request.query_params.get("unit"))
    choices = [p for p in s.figs.choices() if p.grain in KIND]
    asked = request.query_params.get("period")
    # a period without data is a 404, as on the dashboards; a year names no report
    period = _period(s.figs.period(asked).id) if asked else (choices[0] if choices else None)
    ready = False
    if period is not None:
        key = report_files.key_for(s.wh, db, unit.org_id, period, KIND[period.grain])
        ready = report_files.cached(s.wh, key) is not None
    return page(
        request,
        "reports.html",
        s.me,
        unit=unit,
        period=period,
        kind=KIND[period.grain] if period else None,
        choices=choices,
        path_units=views.path(ctx.orgs, s.me, unit.org_id),
        kids=views.children(ctx.orgs, s.me, unit.org_id),
        formats=list(report_files.FORMATS),
        ready=ready,
        w=Words(s.t),
    )


@router.get("/reports/{unit_id}/{period_id}.{fmt}")
@guarded
def download(
    unit_id: str, period_id: str, fmt: str, request: Request, ctx: Ctx, db: Db
) -> Response:
    me = principal(request, ctx, db)
    me.require(INDICATORS)
    unit = views.unit(ctx.orgs, me, unit_id)  # 404 outside the user's scope
    period = _period(period_id)
    if fmt not in report_files.FORMATS:
        raise NotFound(f"没有 {fmt} 格式的报告", f"no report in format {fmt}")
    kind = KIND[period.grain]
    wh = warehouse_of(ctx.warehouse)
    key = report_files.key_for(wh, db, unit.org_id, period, kind)
    try:
        path = report_files.files_for(wh, db, key)[fmt]
    except ReportDataError as exc:  # the inputs cannot make this report
        zh, _, en = str(exc).partition(" / ")
        raise Invalid(zh, en or zh) from None
    return FileResponse(
        path,
        media_type=report_files.FORMATS[fmt],
        headers={
            "Content-Disposition": disposition(file_name(unit.name, period, kind, fmt), path.name),
            "Cache-Control": "private, no-store",
        },
    )

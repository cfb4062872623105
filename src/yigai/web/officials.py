"""Officials' landing page: the county's family-doctor signing rates against their targets,
drawn with the vendored ECharts (aggregates only: no resident is named), and the home page
that sends each role to its pages."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from yigai.auth.audit_trail import AUDIT_READ
from yigai.community import contracts, worklists
from yigai.community._common import local_day
from yigai.errors import Forbidden
from yigai.service.deps import Ctx, Db
from yigai.web.dashboards.common import chart_json
from yigai.web.guard import guarded
from yigai.web.i18n import Texts
from yigai.web.render import lang_of, page
from yigai.web.session import principal

router = APIRouter(include_in_schema=False)
RATES = "rates.read"


@router.get("/")
@guarded
def home(request: Request, ctx: Ctx, db: Db) -> Response:
    me = principal(request, ctx, db)
    if me.can(worklists.WORKLISTS) or me.can(worklists.RECEIVE):
        return RedirectResponse("/worklist", status_code=303)
    if me.can(RATES):
        return RedirectResponse("/overview", status_code=303)
    if me.can(AUDIT_READ):
        return RedirectResponse("/audit", status_code=303)
    raise Forbidden("您的角色暂无可用页面", "there is no page for your role yet")


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


@router.get("/overview")
@guarded
def overview(request: Request, ctx: Ctx, db: Db) -> Response:
    me = principal(request, ctx, db)
    day = local_day(ctx.clock())
    rates = contracts.signing_rates(db, me, ctx.directory, day=day)
    t = Texts(lang_of(request))
    chart = {
        "groups": [t.code(r.group) for r in rates],
        "rate": [_number(r.rate) for r in rates],
        "target": [_number(r.target) for r in rates],
        "labels": {"rate": t("rate"), "target": t("target")},
    }
    # </script> cannot occur in this JSON (numbers and catalogue words), but escape anyway
    return page(request, "overview.html", me, rates=rates, day=day, chart=chart_json(chart))

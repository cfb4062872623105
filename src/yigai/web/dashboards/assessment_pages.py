"""绩效考核 and 重点任务 pages: the latest assessment with each unit's score explained item
by item, and the reform-task ledger with its overdue tasks and their lead departments."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from yigai import reform
from yigai.community._common import local_day
from yigai.service.deps import Ctx, Db
from yigai.web.dashboards import assessment_view, views
from yigai.web.dashboards.common import ASSESSMENT, TASKS, Words, scene
from yigai.web.guard import guarded
from yigai.web.i18n import Texts
from yigai.web.render import lang_of, page
from yigai.web.session import principal

router = APIRouter(include_in_schema=False)


@router.get("/assessment")
@guarded
def assessment_page(request: Request, ctx: Ctx, db: Db) -> Response:
    s = scene(request, ctx, db, ASSESSMENT)
    unit = views.unit(ctx.orgs, s.me, request.query_params.get("unit"))
    period = s.figs.period(request.query_params.get("period"))
    results = assessment_view.latest(s.wh, db, s.figs, ctx.orgs, s.me, unit, period)
    return page(
        request,
        "assessment.html",
        s.me,
        unit=unit,
        period=period,
        results=results,
        choices=[p for p in s.figs.choices() if p.grain.value != "month"],
        w=Words(s.t),
    )


@router.get("/tasks")
@guarded
def tasks_page(request: Request, ctx: Ctx, db: Db) -> Response:
    """Every task of the ledger as of today (China), or only the overdue ones with
    ``?overdue=1``; the overdue list is exactly :func:`yigai.reform.overdue`'s."""
    me = principal(request, ctx, db)
    me.require(TASKS)
    today = local_day(ctx.clock())
    only_late = request.query_params.get("overdue") == "1"
    tasks = reform.overdue(db, today) if only_late else reform.task_views(db, today)
    late = len(tasks) if only_late else sum(t.status is reform.TaskStatus.OVERDUE for t in tasks)
    return page(
        request,
        "tasks.html",
        me,
        tasks=tasks,
        today=today,
        only_late=only_late,
        late=late,
        w=Words(Texts(lang_of(request))),
    )

"""Reform tasks in a report (重点改革任务): every task with its status on the period's last day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from yigai import reform
from yigai.reform.status import TaskStatus
from yigai.reports.model import (
    ReformTask,
)

#: Seed 002 is the plan written for a county community (湛江市县域医共体实施方案).
DEMO_PLAN = "zhanjiang-2020"


def reform_tasks(
    session: Session,
    as_of: dt.date,
    plan_id: str | None = None,
    *,
    unit: str | None = None,
    ancestors: Sequence[str] = (),
    kind: str | None = None,
) -> list[ReformTask]:
    """Tasks with their status as of ``as_of``. With ``unit`` (and no ``plan_id``): the
    unit's own tasks, those of the plan its deployment assigns it, with its own progress
    (:func:`yigai.reform.unit_task_views`). Otherwise the store is loaded with
    :data:`DEMO_PLAN` first when it holds no task at all."""
    if unit is not None and plan_id is None:
        views = reform.unit_task_views(session, unit, as_of, ancestors, kind)
    else:
        views = reform.task_views(session, as_of, plan_id)
        if not views and plan_id in (None, DEMO_PLAN):
            reform.load_plan(session, DEMO_PLAN)
            views = reform.task_views(session, as_of, plan_id)
    late = {(v.plan_id, v.code) for v in views if v.status is TaskStatus.OVERDUE}
    out = []
    for v in views:
        if v.status is TaskStatus.CANCELLED:
            continue
        if v.status is TaskStatus.DONE:
            status = "completed"
        else:
            status = "in_progress" if v.percent > 0 else "not_started"
        out.append(
            ReformTask(
                code=v.code,
                title=v.title,
                lead_department=v.lead or "",
                co_departments=v.co,
                deadline=v.deadline,
                status=status,
                overdue=(v.plan_id, v.code) in late,
                latest_progress=f"已完成{v.percent}%" if v.percent else "",
                deadline_text=v.deadline_text or "",
            )
        )
    return out

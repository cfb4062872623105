"""Reform tasks in the operational database (重点任务台账): load plans, report progress, and
see what is overdue.

These functions work inside the caller's session and do not commit: a command or a web
request commits once, so a plan load or a progress report is all-or-nothing.

Progress per responsible unit (issue 14 §2): a report may name the ``unit`` whose own progress
it is (a county's org id, or a department). :func:`task_views` with ``unit`` gives that unit's
status on each task from its own reports only, so five counties carrying out one city plan
each have their own status; :func:`unit_task_views` is what a county's bulletin lists: the
tasks of the plan its deployment assigns it, with its own progress.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from yigai.reform.plan import PlanSpec, plan_spec
from yigai.reform.status import Report, TaskStatus, latest_percent, task_status
from yigai.store import ReformPlan, ReformProgress, ReformTask, ReformTaskCoDepartment


class TaskError(ValueError):
    """A task operation that cannot be done as asked."""


@dataclass
class LoadReport:
    plan_id: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: tasks in the database the plan file no longer lists: kept, with their progress
    not_in_file: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TaskView:
    """A task as of a date, for lists and reports."""

    plan_id: str
    code: str
    title: str
    category: str
    lead: str | None
    co: tuple[str, ...]
    deadline: dt.date | None
    deadline_text: str | None
    status: TaskStatus
    percent: int
    days_overdue: int
    #: whose progress the status is (None: the task as a whole)
    unit: str | None = None


def _definition(task: ReformTask) -> tuple:
    return (
        task.position,
        task.title,
        task.category,
        task.lead_department,
        task.deadline,
        task.deadline_text,
        task.target,
        task.source_ref,
        task.note,
        tuple(c.department for c in task.co_departments),
    )


def load_plan(session: Session, plan_id: str) -> LoadReport:
    """Load (or refresh) the shipped plan ``plan_id`` into the database.

    Idempotent: loading twice changes nothing. A corrected plan file updates the task
    definitions in place, keeping every progress report.
    """
    return load_spec(session, plan_spec(plan_id))


def load_spec(session: Session, spec: PlanSpec) -> LoadReport:
    """Load (or refresh) a checked plan (:func:`yigai.reform.plan.parse_plan`), as
    :func:`load_plan` does; a county's own plan file comes in this way."""
    plan = session.get(ReformPlan, spec.id)
    if plan is None:
        plan = ReformPlan(id=spec.id, title=spec.title, source=spec.source, issued=spec.issued)
        session.add(plan)
    else:
        plan.title, plan.source, plan.issued = spec.title, spec.source, spec.issued
    existing = {
        t.code: t
        for t in session.scalars(
            select(ReformTask)
            .where(ReformTask.plan_id == spec.id)
            .options(selectinload(ReformTask.co_departments))
        )
    }
    report = LoadReport(spec.id)
    for position, t in enumerate(spec.tasks, start=1):
        wanted = (
            position,
            t.title,
            t.category,
            t.lead,
            t.deadline,
            t.deadline_text,
            t.target,
            t.source_ref,
            t.note,
            t.co,
        )
        task = existing.get(t.code)
        if task is not None and _definition(task) == wanted:
            report.unchanged.append(t.code)
            continue
        if task is None:
            task = ReformTask(plan_id=spec.id, code=t.code, cancelled=False)
            session.add(task)
            report.added.append(t.code)
        else:
            report.updated.append(t.code)
            if task.co_departments:
                # the old rows must be gone before new ones take their (task, position) slots
                task.co_departments.clear()
                session.flush()
        task.position, task.title, task.category = position, t.title, t.category
        task.lead_department, task.deadline, task.deadline_text = (
            t.lead,
            t.deadline,
            t.deadline_text,
        )
        task.target, task.source_ref, task.note = t.target, t.source_ref, t.note
        task.co_departments = [
            ReformTaskCoDepartment(position=i, department=d) for i, d in enumerate(t.co, start=1)
        ]
    listed = {t.code for t in spec.tasks}
    report.not_in_file = sorted(set(existing) - listed)
    session.flush()
    return report


def _task(session: Session, plan_id: str, code: str) -> ReformTask:
    task = session.scalars(
        select(ReformTask).where(ReformTask.plan_id == plan_id, ReformTask.code == code)
    ).one_or_none()
    if task is None:
        raise TaskError(
            f"方案 {plan_id} 中没有编码为 {code} 的任务 / plan {plan_id} has no task {code}"
        )
    return task


def report_progress(
    session: Session,
    plan_id: str,
    code: str,
    *,
    reported_on: dt.date,
    percent: int,
    reporter: str,
    note: str = "",
    unit: str | None = None,
) -> ReformProgress:
    """Record a progress report (进展报告) on a task; ``unit``: the responsible unit whose
    own progress it is (None: the task as a whole)."""
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise TaskError(
            f"完成进度应为 0–100 的整数，收到 {percent!r} / percent must be an integer 0–100, got {percent!r}"
        )
    if not reporter.strip():
        raise TaskError("进展报告必须写明报告人 / a progress report needs a reporter")
    task = _task(session, plan_id, code)
    if unit is not None and not unit.strip():
        raise TaskError("责任单位不能为空 / the responsible unit must not be blank")
    entry = ReformProgress(
        reported_on=reported_on, percent=percent, reporter=reporter, note=note, unit=unit
    )
    task.progress.append(entry)
    session.flush()
    return entry


def cancel_task(session: Session, plan_id: str, code: str) -> None:
    """Mark a task cancelled (已取消); its history stays."""
    _task(session, plan_id, code).cancelled = True
    session.flush()


def task_views(
    session: Session, as_of: dt.date, plan_id: str | None = None, unit: str | None = None
) -> list[TaskView]:
    """Every task (of ``plan_id``, or of all plans) with its status as of ``as_of``: from
    the reports on the whole task, or with ``unit`` from that unit's own reports only."""
    query = (
        select(ReformTask)
        .options(selectinload(ReformTask.co_departments), selectinload(ReformTask.progress))
        .order_by(ReformTask.plan_id, ReformTask.position)
    )
    if plan_id is not None:
        query = query.where(ReformTask.plan_id == plan_id)
    views = []
    for task in session.scalars(query):
        reports = [Report(p.reported_on, p.percent) for p in task.progress if p.unit == unit]
        status = task_status(task.deadline, reports, as_of, cancelled=task.cancelled)
        late = (as_of - task.deadline).days if status is TaskStatus.OVERDUE and task.deadline else 0
        views.append(
            TaskView(
                plan_id=task.plan_id,
                code=task.code,
                title=task.title,
                category=task.category,
                lead=task.lead_department,
                co=tuple(c.department for c in task.co_departments),
                deadline=task.deadline,
                deadline_text=task.deadline_text,
                status=status,
                percent=latest_percent(reports, as_of) or 0,
                days_overdue=late,
                unit=unit,
            )
        )
    return views


def overdue(
    session: Session, as_of: dt.date, plan_id: str | None = None, unit: str | None = None
) -> list[TaskView]:
    """逾期任务: tasks past their deadline and not done as of ``as_of``, most overdue first."""
    late = [v for v in task_views(session, as_of, plan_id, unit) if v.status is TaskStatus.OVERDUE]
    return sorted(late, key=lambda v: (-v.days_overdue, v.plan_id, v.code))


def unit_task_views(
    session: Session,
    org_id: str,
    as_of: dt.date,
    ancestors: Sequence[str] = (),
    kind: str | None = None,
) -> list[TaskView]:
    """A unit's own tasks (what its bulletin lists): the tasks of the plan its deployment
    rule assigns a unit of ``kind`` (:mod:`yigai.deployment`; ``ancestors`` nearest first),
    with the unit's own
    progress. A plan not yet in the database is loaded first (from the shipped or the
    county's own plan files); no plan assigned: no tasks."""
    from yigai import deployment

    dep = deployment.active()
    rule = dep.rule_for(org_id, ancestors, kind)
    if rule is None or rule.plan is None:
        return []
    if session.get(ReformPlan, rule.plan) is None:
        load_spec(session, plan_spec(rule.plan, home=dep.home))
    return task_views(session, as_of, rule.plan, unit=org_id)


@dataclass(frozen=True)
class ProgressSummary:
    """进展汇总 of one plan × category as of a date.

    ``mean_percent``: mean of the latest reported percent (0 when none) over tasks not
    cancelled, rounded half up to one decimal.
    """

    plan_id: str
    category: str
    total: int
    counts: dict[TaskStatus, int]
    mean_percent: Decimal | None


def progress_summary(
    session: Session, as_of: dt.date, plan_id: str | None = None
) -> list[ProgressSummary]:
    groups: dict[tuple[str, str], list[TaskView]] = defaultdict(list)
    for v in task_views(session, as_of, plan_id):
        groups[(v.plan_id, v.category)].append(v)
    out = []
    for (pid, category), views in groups.items():
        counts = {s: sum(v.status is s for v in views) for s in TaskStatus}
        live = [v.percent for v in views if v.status is not TaskStatus.CANCELLED]
        mean = (
            (Decimal(sum(live)) / len(live)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if live
            else None
        )
        out.append(ProgressSummary(pid, category, len(views), counts, mean))
    return out

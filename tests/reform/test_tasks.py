"""Reform tasks in the database: loading plans, progress, overdue and summaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yigai.reform import (
    TaskError,
    TaskStatus,
    cancel_task,
    load_plan,
    overdue,
    progress_summary,
    report_progress,
    task_views,
)
from yigai.store import ReformProgress, ReformTask, ReformTaskCoDepartment


def _report(
    db: Session, plan: str, code: str, on: dt.date, percent: int, reporter: str = "x"
) -> None:
    """One progress report on task ``code`` of ``plan`` (the reporter matters to few tests)."""
    report_progress(db, plan, code, reported_on=on, percent=percent, reporter=reporter)


def test_load_plan_stores_every_task_with_departments(db_session: Session) -> None:
    report = load_plan(db_session, "zhanjiang-2020")
    db_session.commit()
    assert len(report.added) == 24
    k1 = db_session.scalars(select(ReformTask).where(ReformTask.code == "K1")).one()
    assert k1.lead_department == "各县(市)人民政府"
    assert [c.department for c in k1.co_departments] == ["市卫生健康局", "各相关三级医院"]
    assert k1.deadline == dt.date(2021, 12, 31)


def test_loading_a_plan_twice_changes_nothing(db_session: Session) -> None:
    load_plan(db_session, "zhanjiang-2020")
    db_session.commit()
    again = load_plan(db_session, "zhanjiang-2020")
    db_session.commit()
    assert (again.added, again.updated, len(again.unchanged)) == ([], [], 24)
    assert db_session.scalar(select(func.count()).select_from(ReformTaskCoDepartment)) == 30


def test_reloading_a_changed_task_keeps_its_progress(db_session: Session) -> None:
    load_plan(db_session, "zhanjiang-2020")
    _report(db_session, "zhanjiang-2020", "K1", dt.date(2020, 6, 30), 30, reporter="市卫健局")
    task = db_session.scalars(select(ReformTask).where(ReformTask.code == "K1")).one()
    task.co_departments = []  # as if an older file had listed none
    task.title = "old title"
    db_session.commit()
    report = load_plan(db_session, "zhanjiang-2020")
    db_session.commit()
    assert report.updated == ["K1"]
    assert [c.department for c in task.co_departments] == ["市卫生健康局", "各相关三级医院"]
    assert db_session.scalar(select(func.count()).select_from(ReformProgress)) == 1


def test_overdue_on_both_sides_of_a_deadline(db_session: Session) -> None:
    """Seed 002 一（二）1: 2020年1月底前 → due 2020-01-31; overdue from 2020-02-01."""
    load_plan(db_session, "zhanjiang-2020")
    on_time = {v.code for v in overdue(db_session, dt.date(2020, 1, 31))}
    late = {v.code: v for v in overdue(db_session, dt.date(2020, 2, 1))}
    assert "S1" not in on_time and "B1" not in on_time
    assert {"S1", "B1"} <= set(late) and late["S1"].days_overdue == 1
    assert "S2" not in late  # due 2020-05-31


def test_a_task_reported_done_leaves_the_overdue_list(db_session: Session) -> None:
    load_plan(db_session, "liaoning-2015")
    _report(db_session, "liaoning-2015", "W01", dt.date(2015, 12, 20), 100, reporter="省卫计委")
    late = {v.code for v in overdue(db_session, dt.date(2016, 1, 1))}
    assert late == {"W02", "W04", "R4"}


def test_overdue_lists_the_most_overdue_first(db_session: Session) -> None:
    load_plan(db_session, "zhanjiang-2020")
    codes = [v.code for v in overdue(db_session, dt.date(2021, 1, 1))]
    assert codes[:2] == ["B1", "S1"] and codes.index("S2") < codes.index("K2")


def test_progress_percent_must_be_between_0_and_100(db_session: Session) -> None:
    load_plan(db_session, "liaoning-2015")
    with pytest.raises(TaskError, match="0–100"):
        _report(db_session, "liaoning-2015", "W01", dt.date(2015, 5, 1), 120)


def test_progress_on_an_unknown_task_is_refused(db_session: Session) -> None:
    load_plan(db_session, "liaoning-2015")
    with pytest.raises(TaskError, match="W99"):
        _report(db_session, "liaoning-2015", "W99", dt.date(2015, 5, 1), 10)


def test_cancelled_task_is_not_overdue(db_session: Session) -> None:
    load_plan(db_session, "liaoning-2015")
    cancel_task(db_session, "liaoning-2015", "W04")
    views = {v.code: v for v in task_views(db_session, dt.date(2016, 1, 1))}
    assert views["W04"].status is TaskStatus.CANCELLED


def test_progress_summary_counts_statuses_and_averages_percent(db_session: Session) -> None:
    """5项重点改革 as of 2016-01-01: R1 60%, R2 100%, R4 overdue at 50%, R3/R5 none;
    mean = (60 + 100 + 0 + 50 + 0) ÷ 5 = 42.0."""
    load_plan(db_session, "liaoning-2015")
    for code, pct in (("R1", 60), ("R2", 100), ("R4", 50)):
        _report(db_session, "liaoning-2015", code, dt.date(2015, 10, 1), pct)
    rows = {s.category: s for s in progress_summary(db_session, dt.date(2016, 1, 1))}
    reforms = rows["5项重点改革"]
    assert reforms.total == 5
    assert reforms.counts[TaskStatus.DONE] == 1
    assert reforms.counts[TaskStatus.OVERDUE] == 1
    assert reforms.counts[TaskStatus.IN_PROGRESS] == 1
    assert reforms.counts[TaskStatus.NOT_STARTED] == 2
    assert reforms.mean_percent == Decimal("42.0")

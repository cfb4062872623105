"""任务状态 as of a date: a pure function of the deadline, progress reports and cancellation.

Only progress reported on or before ``as_of`` counts (so a status can be recomputed for any
past date, e.g. for a bulletin). With the latest such report (by date, then entry order):

- ``cancelled`` 已取消: the task was cancelled;
- ``done`` 已完成: the latest report says 100%;
- ``overdue`` 逾期: not done and ``as_of`` is after the deadline (the deadline day itself is
  still on time: "年底前" means up to and including 31 December);
- ``in_progress`` 推进中: a report above 0%;
- ``not_started`` 未启动: no report, or only 0%.
A task without a deadline is never overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"

    @property
    def zh(self) -> str:
        return _ZH[self]


_ZH = {
    TaskStatus.NOT_STARTED: "未启动",
    TaskStatus.IN_PROGRESS: "推进中",
    TaskStatus.DONE: "已完成",
    TaskStatus.OVERDUE: "逾期",
    TaskStatus.CANCELLED: "已取消",
}


@dataclass(frozen=True)
class Report:
    """One progress report (进展): the date it refers to and the share done."""

    on: dt.date
    percent: int


def latest_percent(reports: Iterable[Report], as_of: dt.date) -> int | None:
    """The percent of the last report on or before ``as_of`` (None if there is none)."""
    latest: Report | None = None
    for r in reports:  # in entry order; a later entry of the same date wins
        if r.on <= as_of and (latest is None or r.on >= latest.on):
            latest = r
    return None if latest is None else latest.percent


def task_status(
    deadline: dt.date | None,
    reports: Iterable[Report],
    as_of: dt.date,
    *,
    cancelled: bool = False,
) -> TaskStatus:
    if cancelled:
        return TaskStatus.CANCELLED
    percent = latest_percent(reports, as_of)
    if percent == 100:
        return TaskStatus.DONE
    if deadline is not None and as_of > deadline:
        return TaskStatus.OVERDUE
    if percent:
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED

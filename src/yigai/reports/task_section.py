"""四、重点任务进展: the task table's columns and the sentences about overdue tasks."""

from __future__ import annotations

from collections.abc import Sequence

from yigai.reports.model import (
    ReformTask,
)

TASK_HEADERS = [
    ("编号", "Code"),
    ("重点任务", "Task"),
    ("牵头单位", "Lead department"),
    ("配合单位", "Co-operating departments"),
    ("完成时限", "Deadline"),
    ("进展状态", "Status"),
    ("最新进展", "Latest progress"),
]


def task_sentences(tasks: list[ReformTask]) -> list[str]:
    if not tasks:
        return ["本期无重点改革任务进展报送。"]
    done = sum(t.completed for t in tasks)
    going = sum(t.status == "in_progress" for t in tasks)
    head = (
        f"列入台账的重点改革任务{len(tasks)}项，已完成{done}项，推进中{going}项"
        + (f"，未启动{len(tasks) - done - going}项" if len(tasks) - done - going else "")
        + "，详见表3。"
    )
    late = [t for t in tasks if t.overdue]
    if not late:
        return [head + "各项任务均在时限内推进。"]
    if len(late) > LISTED_LATE_TASKS:
        return [head + f"逾期未完成的任务{len(late)}项：{codes(late)}（表3中标注“逾期”）。"]
    return [
        head
        + f"逾期未完成的任务{len(late)}项："
        + "；".join(
            f"{t.code}“{t.title}”（牵头单位：{t.lead_department or '未明确'}）" for t in late
        )
        + "。"
    ]


#: Overdue tasks named with their titles in 四、重点任务进展; more are listed by code only.
LISTED_LATE_TASKS = 3


def codes(tasks: Sequence[ReformTask]) -> str:
    return "、".join(t.code for t in tasks)

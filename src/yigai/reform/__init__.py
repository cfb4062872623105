"""yigai.reform — reform tasks (医改重点任务): plans, departments, progress, overdue alerts.

Plans ship as YAML in ``data/`` (seed 000: Liaoning 2015's 10 key jobs and 5 key reforms;
seed 002: Zhanjiang's county-community plan), loaded with ``load_plan``. Each task has its
lead (牵头单位) and co-operating (配合单位) departments, deadline and target; progress reports
make its status, and ``overdue`` lists what is late as of any date. A progress report may
name the responsible unit (a county, a department) whose own status it is; a deployment
(:mod:`yigai.deployment`) says which plan governs which unit (``unit_task_views``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yigai.reform.departments import Departments, parse_departments, responsible_text
    from yigai.reform.plan import PlanError, PlanSpec, TaskSpec, available_plans, plan_spec
    from yigai.reform.status import Report, TaskStatus, task_status
    from yigai.reform.tasks import (
        LoadReport,
        ProgressSummary,
        TaskError,
        TaskView,
        cancel_task,
        load_plan,
        load_spec,
        overdue,
        progress_summary,
        report_progress,
        task_views,
        unit_task_views,
    )

# Names load from their module on first use: `yigai tasks --help` must not import SQLAlchemy
# (the CLI start-up rule), and the task functions need it.
_HOME = {
    "departments": ("Departments", "parse_departments", "responsible_text"),
    "plan": ("PlanError", "PlanSpec", "TaskSpec", "available_plans", "plan_spec"),
    "status": ("Report", "TaskStatus", "task_status"),
    "tasks": (
        "LoadReport", "ProgressSummary", "TaskError", "TaskView", "cancel_task", "load_plan",
        "load_spec", "overdue", "progress_summary", "report_progress", "task_views",
        "unit_task_views",
    ),
}  # fmt: skip
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_MODULE_OF[name]}"), name)


__all__ = [
    "Departments",
    "LoadReport",
    "PlanError",
    "PlanSpec",
    "ProgressSummary",
    "Report",
    "TaskError",
    "TaskSpec",
    "TaskStatus",
    "TaskView",
    "available_plans",
    "cancel_task",
    "load_plan",
    "load_spec",
    "overdue",
    "parse_departments",
    "plan_spec",
    "progress_summary",
    "report_progress",
    "responsible_text",
    "task_status",
    "task_views",
    "unit_task_views",
]

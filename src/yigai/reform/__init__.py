"""yigai.reform — reform tasks (医改重点任务): plans, departments, progress, overdue alerts.

Plans ship as YAML in ``data/`` (seed 000: Liaoning 2015's 10 key jobs and 5 key reforms;
seed 002: Zhanjiang's county-community plan), loaded with ``load_plan``. Each task has its
lead (牵头单位) and co-operating (配合单位) departments, deadline and target; progress reports
make its status, and ``overdue`` lists what is late as of any date.
"""

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
    overdue,
    progress_summary,
    report_progress,
    task_views,
)

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
    "overdue",
    "parse_departments",
    "plan_spec",
    "progress_summary",
    "report_progress",
    "responsible_text",
    "task_status",
    "task_views",
]

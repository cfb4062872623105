"""``yigai tasks``: reform task lists, progress reports and overdue alerts (医改重点任务).

SQLAlchemy and the store load inside the commands (the CLI start-up rule)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from yigai.reform.plan import available_plans

app = typer.Typer(help="医改重点任务：载入、进展、逾期 / reform tasks: load, progress, overdue")

DbOption = Annotated[
    str | None, typer.Option("--database-url", help="数据库 / database URL (default: settings)")
]
AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="截至日期，默认今天 / as of (YYYY-MM-DD)"),
]
OnOption = Annotated[
    dt.datetime | None,
    typer.Option("--on", formats=["%Y-%m-%d"], help="进展日期，默认今天 / date of the report"),
]
PlanOption = Annotated[str | None, typer.Option("--plan", help="只看某个方案 / one plan only")]
UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit", help="责任单位（县的机构编码或部门） / responsible unit (org id or department)"
    ),
]


def _day(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


def load(
    plan: Annotated[
        str,
        typer.Argument(
            help=f"方案或本地方案文件 / plan id ({', '.join(available_plans())}) or a plan FILE"
        ),
    ],
    database_url: DbOption = None,
) -> None:
    """载入（或更新）方案的任务清单；可载入本县的方案文件 / load or refresh a plan's tasks,
    shipped or from a county's own plan file (kept under $YIGAI_HOME/plans/)."""
    from yigai import settings
    from yigai.console import console
    from yigai.reform import plan as plan_mod
    from yigai.reform import tasks as reform_tasks
    from yigai.store import migrate, session_scope

    home = settings.load().home
    path = Path(plan)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        if not path.is_file():
            console.print(f"[red]{plan}：文件不存在 / no such file[/red]")
            raise typer.Exit(1)
        plan_mod.parse_plan(path)  # a bad file is refused before anything is stored
    migrate(database_url)
    with session_scope(database_url) as session:
        if path.is_file():
            spec = plan_mod.install(path, home)
        else:
            spec = plan_mod.plan_spec(plan, home=home)
        r = reform_tasks.load_spec(session, spec)
    plan_id = spec.id
    console.print(
        f"{plan_id}：新增 {len(r.added)}，更新 {len(r.updated)}，未变 {len(r.unchanged)} / "
        f"added {len(r.added)}, updated {len(r.updated)}, unchanged {len(r.unchanged)}"
    )
    if r.not_in_file:
        console.print(
            f"[yellow]方案文件已不再列出（保留）/ no longer listed (kept): {', '.join(r.not_in_file)}"
        )


def report(
    plan_id: Annotated[str, typer.Argument(help="方案 / plan")],
    code: Annotated[str, typer.Argument(help="任务编码 / task code")],
    percent: Annotated[int, typer.Argument(help="完成进度 0–100 / percent done")],
    reporter: Annotated[str, typer.Option(help="报告人或单位 / reporter")],
    note: Annotated[str, typer.Option(help="进展说明 / note")] = "",
    on: OnOption = None,
    unit: UnitOption = None,
    database_url: DbOption = None,
) -> None:
    """报告任务进展（--unit：某责任单位自己的进展） / record a progress report."""
    from yigai.console import console
    from yigai.reform import tasks as reform_tasks
    from yigai.store import migrate, session_scope

    migrate(database_url)
    with session_scope(database_url) as session:
        reform_tasks.report_progress(
            session,
            plan_id,
            code,
            reported_on=_day(on),
            percent=percent,
            reporter=reporter,
            note=note,
            unit=unit,
        )
    console.print(f"{plan_id} {code}{f'（{unit}）' if unit else ''}: {percent}% ✓")


def progress(
    as_of: AsOfOption = None, plan: PlanOption = None, database_url: DbOption = None
) -> None:
    """任务进展汇总 / progress summary by plan and category."""
    from rich.table import Table

    from yigai.console import console
    from yigai.reform import tasks as reform_tasks
    from yigai.reform.status import TaskStatus
    from yigai.store import migrate, session_scope

    day = _day(as_of)
    migrate(database_url)
    with session_scope(database_url) as session:
        rows = reform_tasks.progress_summary(session, day, plan)
    table = Table(title=f"重点任务进展（截至 {day}） / progress as of {day}")
    for header in (
        "方案 plan",
        "类别 category",
        "任务 tasks",
        *(s.zh for s in TaskStatus),
        "平均进度 mean %",
    ):
        table.add_column(header)
    for r in rows:
        table.add_row(
            r.plan_id,
            r.category,
            str(r.total),
            *(str(r.counts[s]) for s in TaskStatus),
            "" if r.mean_percent is None else str(r.mean_percent),
        )
    console.print(table)


def overdue(
    as_of: AsOfOption = None,
    plan: PlanOption = None,
    unit: UnitOption = None,
    database_url: DbOption = None,
) -> None:
    """逾期任务（--unit：某责任单位） / tasks past their deadline and not done."""
    from rich.table import Table

    from yigai.console import console
    from yigai.reform import tasks as reform_tasks
    from yigai.store import migrate, session_scope

    day = _day(as_of)
    migrate(database_url)
    with session_scope(database_url) as session:
        late = reform_tasks.overdue(session, day, plan, unit)
    table = Table(title=f"逾期任务（截至 {day}，共 {len(late)} 项） / overdue tasks")
    for header in (
        "方案 plan",
        "编码 code",
        "任务 task",
        "牵头单位 lead",
        "时限 deadline",
        "逾期天数 days",
        "进度 %",
    ):
        table.add_column(header)
    for v in late:
        table.add_row(
            v.plan_id,
            v.code,
            v.title,
            v.lead or "",
            f"{v.deadline}（{v.deadline_text}）",
            str(v.days_overdue),
            str(v.percent),
        )
    console.print(table)


app.command("load")(load)
app.command("report")(report)
app.command("progress")(progress)
app.command("overdue")(overdue)

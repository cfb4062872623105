"""五、存在问题和下一步工作: missed targets, overdue tasks, units warned, and the steps that follow."""

from __future__ import annotations

from yigai.reports.indicator_section import IndicatorRow
from yigai.reports.model import (
    ConsequenceKind,
    ReformTask,
    ReportData,
)
from yigai.reports.status import (
    Status,
    is_better,
)
from yigai.reports.task_section import codes as _codes
from yigai.reports.wording import date_zh, deadline_zh, format_value
from yigai.reports.wording import names as _names


def problems(
    data: ReportData, rows: list[IndicatorRow], tasks: list[ReformTask]
) -> tuple[list[str], list[str]]:
    red = [r for r in rows if r.status is Status.RED]
    late = [t for t in tasks if t.overdue]
    problems: list[str] = []
    for r in red:
        if r.target is None or r.value is None:  # red implies both; keeps the type checker honest
            continue
        u = r.meta.unit
        text = (
            f"{r.meta.name_zh}为{format_value(r.value, u)}，未达到目标值"
            f"{format_value(r.target.value, u)}"
        )
        if r.previous is not None and not is_better(r.value, r.previous, r.meta.direction):
            text += f"，且未较上期（{format_value(r.previous, u)}）改善"
        problems.append(text + "。")
    if len(late) == 1:
        t = late[0]
        problems.append(
            f"重点任务{t.code}“{t.title}”已超过完成时限（{deadline_zh(t)}），当前状态为"
            f"{t.status_zh}"
            + (f"，最新进展：{t.latest_progress}" if t.latest_progress else "")
            + "。"
        )
    elif late:
        oldest = min((t.deadline for t in late if t.deadline is not None), default=None)
        since = f"，最早的完成时限为{date_zh(oldest)}" if oldest is not None else ""
        problems.append(
            f"{len(late)}项重点任务超过完成时限仍未完成（{_codes(late)}）{since}，各项进展见表3。"
        )
    if not problems:
        problems.append("本期各项监测指标均达到或接近目标，重点任务均在时限内推进。")
    steps: list[str] = []
    if red:
        steps.append(
            f"聚焦{_names([r.meta.name_zh for r in red])}等{len(red)}项未达标指标，"
            "逐项分析原因、明确整改措施和时限，下期重点跟踪。"
        )
    if late:
        leads = list(dict.fromkeys(t.lead_department for t in late if t.lead_department))
        who = _names(leads) if leads else "各责任单位"
        steps.append(f"督促{who}加快推进逾期任务，限期完成并报送整改情况。")
    warned = [c for c in data.consequences if c.kind is not ConsequenceKind.COMMENDED]
    if warned:
        steps.append(
            f"跟踪{_names(list(dict.fromkeys(data.unit_name(c.org_id) for c in warned)))}"
            "整改落实情况，整改结果纳入下期考核。"
        )
    steps.append("继续做好指标监测和数据质量核查，按月调度、按季通报。")
    return problems, steps

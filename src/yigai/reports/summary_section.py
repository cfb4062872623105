"""一、总体情况: counts by status, the indicators without data or counted by year, the best
and worst unit on the key indicator, the assessment and the task ledger in one paragraph each.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from yigai.reports.indicator_section import IndicatorRow
from yigai.reports.model import (
    IndicatorMeta,
    ReportData,
)
from yigai.reports.ranking_section import in_rank_order as _in_rank_order
from yigai.reports.status import (
    Status,
)
from yigai.reports.wording import format_value, period_zh
from yigai.reports.wording import names as _names


@dataclass(frozen=True)
class UnitValue:
    org_id: str
    name_zh: str
    value: Decimal


def summary(
    data: ReportData, rows: list[IndicatorRow], key: IndicatorMeta, key_by_unit: list[UnitValue]
) -> list[str]:
    count = {s: sum(r.status is s for r in rows) for s in Status}
    first = (
        f"{period_zh(data.period)}，{data.region.name_zh}纳入监测的{len(rows)}项指标中，"
        f"{count[Status.GREEN]}项达到目标值，{count[Status.AMBER]}项接近目标，"
        f"{count[Status.RED]}项未达标"
    )
    if count[Status.NO_DATA]:
        first += f"，{count[Status.NO_DATA]}项本期无数据"
    if count[Status.NO_TARGET]:
        first += f"，{count[Status.NO_TARGET]}项未设定目标值"
    if count[Status.NOT_DUE]:
        first += f"，{count[Status.NOT_DUE]}项按年度统计、本期不单列"
    first += "。"
    missing = [r.meta.name_zh for r in rows if r.status is Status.NO_DATA]
    if missing:
        shown = _names(missing[:NAMED_MISSING])
        more = f"等{len(missing)}项" if len(missing) > NAMED_MISSING else ""
        first += f"本期无数据的指标为{shown}{more}，相关数据报送或接入后补充通报。"
    yearly = [r.meta.name_zh for r in rows if r.basis == "year"]
    if yearly:
        first += f"{_names(yearly)}按年度统计，表1中为{data.period.end.year}年全年值。"
    not_due = [r.meta.name_zh for r in rows if r.status is Status.NOT_DUE]
    if not_due:
        first += f"{_names(not_due)}按年度统计，将在年末通报中反映。"
    out = [first]
    if len(key_by_unit) >= 2:
        better_first = sorted(
            key_by_unit,
            key=lambda u: u.value,
            reverse=key.direction.value == "higher",
        )
        best, worst = better_first[0], better_first[-1]
        if best.value != worst.value:
            out.append(
                f"从{key.name_zh}看，{best.name_zh}表现最好（{format_value(best.value, key.unit)}），"
                f"{worst.name_zh}表现最差（{format_value(worst.value, key.unit)}）。"
            )
    if data.totals:
        ordered = _in_rank_order(data.totals)
        top, bottom = ordered[0], ordered[-1]
        passed = sum(t.grade == "合格" for t in ordered)
        if top.total == bottom.total:
            # "最高的是甲（0分），最低的是乙（0分）" would name a leader where there is none.
            spread = f"参加考核的单位综合得分均为{top.total}分"
        else:
            spread = (
                f"综合考核得分最高的是{data.unit_name(top.org_id)}（{top.total}分），"
                f"最低的是{data.unit_name(bottom.org_id)}（{bottom.total}分）"
            )
        n = len(ordered)
        if passed == 0:
            grades = f"{n}个单位均考核不合格"
        elif passed == n:
            grades = f"{n}个单位均考核合格"
        else:
            grades = f"{n}个单位中{passed}个考核合格，{n - passed}个不合格"
        out.append(f"{spread}；{grades}。")
    for group in data.other_rankings:
        ordered = _in_rank_order(group.totals)
        if len(ordered) == 1:
            t = ordered[0]
            out.append(
                f"{group.title_zh}中，{data.unit_name(t.org_id)}得分{t.total}分（{t.grade}）。"
            )
        elif ordered:
            top, bottom = ordered[0], ordered[-1]
            out.append(
                f"{group.title_zh}中，得分最高的是{data.unit_name(top.org_id)}（{top.total}分），"
                f"最低的是{data.unit_name(bottom.org_id)}（{bottom.total}分）。"
            )
    if data.tasks:
        done = sum(t.completed for t in data.tasks)
        late = sum(t.overdue for t in data.tasks)
        out.append(
            f"{len(data.tasks)}项重点改革任务中，已完成{done}项，"
            f"未完成{len(data.tasks) - done}项，其中逾期{late}项。"
        )
    return out


NAMED_MISSING = 4

"""Report content (报告正文): the five sections built from :class:`ReportData`, once, so that
the DOCX, PDF, HTML and XLSX writers all show the same numbers and sentences.

一、总体情况 · 二、主要指标完成情况 · 三、考核排名 · 四、重点任务进展 · 五、存在问题和下一步工作

Target choice (when several targets match): the most specific scope wins (the unit's own id,
then ``kind:<kind>``, then ``*``); among those, the earliest deadline on or after the period's
last day, or, when every deadline has passed, the latest one.

Indicators defined only by year (e.g. 规范管理率, catalogue ``grains: [year]``) have no value
for a month or quarter. In a period that closes the year (12月, 第4季度) their row shows the
year's value, marked （全年）, against the previous year's; otherwise the row is 按年统计 and is
not counted as 无数据 (the data are not missing, the year is not over); the overall-situation
paragraph says which indicators these are.

Overdue reform tasks are one item of 存在问题 (their codes, pointing at 表3), however many:
the list of problems is about what the county must fix, and table 3 already details each task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from yigai.periods import Grain, Period
from yigai.reports import params
from yigai.reports.model import (
    CONSEQUENCE_ZH,
    UNIT_SUFFIX_ZH,
    AssessmentItem,
    AssessmentTotal,
    Consequence,
    ConsequenceKind,
    IndicatorMeta,
    OrgUnit,
    ReformTask,
    ReportData,
    ReportDataError,
    Target,
    Unit,
)
from yigai.reports.status import (
    STATUS_ZH,
    Status,
    change,
    change_label_zh,
    is_better,
    rag_status,
    target_text,
    trend,
)

TREND_MONTHS = 12  # the trend chart covers the last twelve months up to the period's end


class ReportKind(StrEnum):
    MONTHLY = "monthly"  # 月度进展报告
    QUARTERLY = "quarterly"  # 季度通报


KIND_GRAIN = {ReportKind.MONTHLY: Grain.MONTH, ReportKind.QUARTERLY: Grain.QUARTER}


def format_value(value: Decimal | None, unit: Unit) -> str:
    """A value as printed: the engine's own decimals plus the unit (``85.20%``, ``39.78元``)."""
    if value is None:
        return "—"
    return f"{value}{UNIT_SUFFIX_ZH[unit]}"


def target_for(
    targets: Sequence[Target], indicator_id: str, org: OrgUnit, period: Period
) -> Target | None:
    """The target that applies to ``org`` in ``period`` (rule in the module docstring)."""
    rank = {org.id: 0, f"kind:{org.kind}": 1, "*": 2}
    matching = [t for t in targets if t.indicator_id == indicator_id and t.scope in rank]
    if not matching:
        return None
    best = min(rank[t.scope] for t in matching)
    matching = [t for t in matching if rank[t.scope] == best]
    ahead = [t for t in matching if t.deadline >= period.end]
    if ahead:
        return min(ahead, key=lambda t: t.deadline)
    return max(matching, key=lambda t: t.deadline)


@dataclass(frozen=True)
class IndicatorRow:
    """One line of 二、主要指标完成情况."""

    meta: IndicatorMeta
    value: Decimal | None
    target: Target | None
    previous: Decimal | None  # 上期
    last_year: Decimal | None  # 去年同期
    mom: Decimal | None  # 环比 (points for rates, % otherwise)
    yoy: Decimal | None  # 同比
    status: Status
    #: "" for the period's own value; "year" when the row shows the year's value (module doc)
    basis: str = ""
    #: the value was reported by the unit (填报), not computed from records
    reported: bool = False

    @property
    def value_text(self) -> str:
        text = format_value(self.value, self.meta.unit)
        if self.value is None:
            return text
        marks = [m for m, on in (("全年", self.basis == "year"), ("填报", self.reported)) if on]
        return f"{text}（{'，'.join(marks)}）" if marks else text

    @property
    def trend_zh(self) -> str:
        """较上期: improvement is its own column; it never changes the status."""
        return trend(self.value, self.previous, self.meta.direction)

    @property
    def cells(self) -> list[str]:
        u, d = self.meta.unit, self.meta.direction
        return [
            self.meta.name_zh,
            self.value_text,
            target_text(format_value(self.target.value if self.target else None, u), d),
            format_value(self.previous, u),
            format_value(self.last_year, u),
            change_label_zh(self.mom, u),
            change_label_zh(self.yoy, u),
            self.trend_zh,
            STATUS_ZH[self.status],
        ]


INDICATOR_HEADERS = [
    ("指标", "Indicator"),
    ("本期值", "Value"),
    ("目标值", "Target"),
    ("上期值", "Previous period"),
    ("去年同期", "Same period last year"),
    ("环比", "Change on previous"),
    ("同比", "Change on last year"),
    ("较上期", "On previous period"),
    ("状态", "Status"),
]


@dataclass(frozen=True)
class RankingRow:
    rank: int
    org_id: str
    name_zh: str
    total: Decimal
    grade: str
    consequences_zh: str


RANKING_HEADERS = [
    ("名次", "Rank"),
    ("单位", "Unit"),
    ("综合得分", "Total score"),
    ("等次", "Grade"),
    ("考核结果运用", "Consequence"),
]

ITEM_HEADERS = [
    ("单位", "Unit"),
    ("考核项目", "Item"),
    ("实际值", "Value"),
    ("目标值", "Target"),
    ("得分", "Points"),
    ("说明", "Explanation"),
]

TASK_HEADERS = [
    ("编号", "Code"),
    ("重点任务", "Task"),
    ("牵头单位", "Lead department"),
    ("配合单位", "Co-operating departments"),
    ("完成时限", "Deadline"),
    ("进展状态", "Status"),
    ("最新进展", "Latest progress"),
]


#: 版心 width (156 mm ≈ 442 pt) less a little slack: the 发文机关标志 must fit on one line.
ISSUER_LINE_PT = 436


def issuer_size_pt(issuer: str) -> int:
    """Font size of the 发文机关标志: 一号 (26 pt) when it fits, smaller for long names
    (GB/T 9704-2012 7.2.3 leaves the size to the issuer, "以醒目、美观、庄重为原则")."""
    return max(14, min(26, ISSUER_LINE_PT // max(len(issuer), 1)))


def date_zh(day: dt.date) -> str:
    """A date as 公文 write it: 2025年3月5日 (Arabic numerals, GB/T 9704-2012 7.3.5.4)."""
    return f"{day.year}年{day.month}月{day.day}日"


def deadline_zh(task: ReformTask) -> str:
    if task.deadline is not None:
        return date_zh(task.deadline)
    return task.deadline_text or "—"


def task_cells(task: ReformTask) -> list[str]:
    status = task.status_zh + ("（逾期）" if task.overdue else "")
    return [
        task.code,
        task.title,
        task.lead_department,
        "、".join(task.co_departments) or "—",
        deadline_zh(task),
        status,
        task.latest_progress or "—",
    ]


@dataclass(frozen=True)
class UnitValue:
    org_id: str
    name_zh: str
    value: Decimal


@dataclass
class Report:
    """The built content of one report; writers only lay it out."""

    kind: ReportKind
    data: ReportData
    title: str
    summary: list[str]
    indicator_rows: list[IndicatorRow]
    ranking_rows: list[RankingRow]
    ranking_sentences: list[str]
    items: list[AssessmentItem]
    tasks: list[ReformTask]
    task_sentences: list[str]
    problems: list[str]
    next_steps: list[str]
    key_by_unit: list[UnitValue]
    key_target: Target | None
    key_trend: list[tuple[Period, Decimal]]
    charts: dict[str, object] = field(default_factory=dict)  # name → Path, set by the writer

    @property
    def table1_lead(self) -> str:
        """The sentence before 表1, explaining its colours and any 填报 values."""
        text = (
            "主要监测指标完成情况见表1（状态只看目标：达标为绿色，未达标但与目标的差距在容差以内"
            "为黄色（接近目标），其余为红色（未达标）；较上期改善与否另列一栏"
        )
        if any(r.reported and r.value is not None for r in self.indicator_rows):
            text += "；标“填报”的数值为各单位上报的汇总数，其余由明细数据计算"
        return text + "）。"

    @property
    def kind_zh(self) -> str:
        return "月度进展报告" if self.kind is ReportKind.MONTHLY else "季度通报"

    @property
    def intro(self) -> str:
        what = (
            "重点工作进展情况报告如下"
            if self.kind is ReportKind.MONTHLY
            else "监测考核情况通报如下"
        )
        return (
            f"现将{self.data.period.label_zh}{self.data.region.name_zh}深化医药卫生体制改革{what}。"
        )

    @property
    def sections(self) -> list[str]:
        return [
            "一、总体情况",
            "二、主要指标完成情况",
            "三、考核排名",
            "四、重点任务进展",
            "五、存在问题和下一步工作",
        ]


def default_title(kind: ReportKind, data: ReportData) -> str:
    label = data.period.label_zh
    if kind is ReportKind.MONTHLY:
        return f"关于{label}深化医药卫生体制改革重点工作进展情况的报告"
    return f"关于{label}县域医共体建设监测考核情况的通报"


def _names(names: Sequence[str]) -> str:
    return "、".join(names)


def build(data: ReportData, kind: ReportKind) -> Report:
    """Build every section of a report of ``kind`` from ``data``."""
    if data.period.grain is not KIND_GRAIN[kind]:
        want = "月" if kind is ReportKind.MONTHLY else "季度"
        raise ReportDataError(
            f"报告周期 {data.period.id} 不是{want}，无法生成{'月度进展报告' if kind is ReportKind.MONTHLY else '季度通报'} / "
            f"period {data.period.id} is not a {KIND_GRAIN[kind].value}, as a {kind.value} report needs"
        )
    tolerance = params.load("status.amber_tolerance").at(data.period.end)
    rows = [_indicator_row(data, meta, tolerance) for meta in data.indicators]
    key = data.key_indicator
    key_by_unit = [
        UnitValue(u.id, u.name_zh, v)
        for u in data.units
        if (v := data.value(key.id, u.id, data.period.id)) is not None
    ]
    key_target = target_for(data.targets, key.id, data.region, data.period)
    trend_from = data.period.end.year * 12 + data.period.end.month - TREND_MONTHS
    key_trend = [
        (p, v)
        for p in _months_back(data.period)
        if (v := data.value(key.id, data.region.id, p.id)) is not None
        and p.start.year * 12 + p.start.month > trend_from
    ]
    ranking_rows, ranking_sentences = _ranking(data)
    tasks = sorted(data.tasks, key=lambda t: (not t.overdue, t.deadline or dt.date.max, t.code))
    report = Report(
        kind=kind,
        data=data,
        title=data.header.title_zh or default_title(kind, data),
        summary=_summary(data, rows, key, key_by_unit),
        indicator_rows=rows,
        ranking_rows=ranking_rows,
        ranking_sentences=ranking_sentences,
        items=sorted(data.items, key=lambda i: (_rank_of(data, i.org_id), i.org_id, i.item)),
        tasks=tasks,
        task_sentences=_task_sentences(tasks),
        problems=[],
        next_steps=[],
        key_by_unit=key_by_unit,
        key_target=key_target,
        key_trend=key_trend,
    )
    report.problems, report.next_steps = _problems(data, rows, tasks)
    return report


def _months_back(period: Period) -> list[Period]:
    months = [Period.month(period.end.year, period.end.month)]
    for _ in range(TREND_MONTHS - 1):
        months.append(months[-1].previous())
    return months[::-1]


def _rank_of(data: ReportData, org_id: str) -> int:
    return next((t.rank for t in data.totals if t.org_id == org_id), 10**6)


def closes_year(period: Period) -> bool:
    return period.end == dt.date(period.end.year, 12, 31)


def _indicator_row(data: ReportData, meta: IndicatorMeta, tolerance: Decimal) -> IndicatorRow:
    p = data.period
    region = data.region.id
    target = target_for(data.targets, meta.id, data.region, p)
    by_year = not meta.defined_for(p.grain.value) and meta.defined_for(Grain.YEAR.value)
    if by_year and not closes_year(p):
        return IndicatorRow(meta, None, target, None, None, None, None, Status.NOT_DUE)
    # A year-only indicator shows the year's value in the period that closes the year, with
    # no 上期 to compare (the previous year is its 同期).
    shown = Period.year(p.end.year) if by_year else p
    value = data.value(meta.id, region, shown.id)
    previous = None if by_year else data.value(meta.id, region, p.previous().id)
    last_year = data.value(meta.id, region, shown.same_period_last_year().id)
    return IndicatorRow(
        meta=meta,
        value=value,
        target=target,
        previous=previous,
        last_year=last_year,
        mom=change(value, previous, meta.unit),
        yoy=change(value, last_year, meta.unit),
        status=rag_status(value, target.value if target else None, meta.direction, tolerance),
        basis="year" if by_year else "",
        reported=data.is_reported(meta.id, region, shown.id),
    )


def _summary(
    data: ReportData, rows: list[IndicatorRow], key: IndicatorMeta, key_by_unit: list[UnitValue]
) -> list[str]:
    count = {s: sum(r.status is s for r in rows) for s in Status}
    first = (
        f"{data.period.label_zh}，{data.region.name_zh}纳入监测的{len(rows)}项指标中，"
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


def consequence_text(c: Consequence) -> str:
    """A consequence in the ranking table: the one wording the body text uses too."""
    return CONSEQUENCE_ZH[c.kind]


def grade_text(total: AssessmentTotal) -> str:
    """The grade as printed, marked 暂定 when the total rests on missing inputs."""
    return f"{total.grade}（暂定）" if total.provisional else total.grade


def _in_rank_order(totals: Sequence[AssessmentTotal]) -> list[AssessmentTotal]:
    """Units by rank, ties (并列) by org id, the order every ranking sentence and table uses."""
    return sorted(totals, key=lambda t: (t.rank, t.org_id))


def _ranking(data: ReportData) -> tuple[list[RankingRow], list[str]]:
    by_org: dict[str, list[str]] = {}
    for c in data.consequences:
        by_org.setdefault(c.org_id, []).append(consequence_text(c))
    rows = [
        RankingRow(
            rank=t.rank,
            org_id=t.org_id,
            name_zh=data.unit_name(t.org_id),
            total=t.total,
            grade=grade_text(t),
            consequences_zh="；".join(by_org.get(t.org_id, [])) or "—",
        )
        for t in _in_rank_order(data.totals)
    ]
    sentences: list[str] = []
    if rows:
        scheme = f"按《{data.scheme_zh}》方案" if data.scheme_zh else ""
        ties = len({r.rank for r in rows}) < len(rows)
        sentences.append(
            f"{data.period.label_zh}{scheme}对{len(rows)}个单位开展考核，得分与名次见表2"
            + ("（得分相同者名次并列，其后名次顺延）" if ties else "")
            + "。"
        )
    for group in data.other_rankings:
        ordered = _in_rank_order(group.totals)
        if len(ordered) == 1:
            t = ordered[0]
            sentences.append(
                f"{group.title_zh}结果：{data.unit_name(t.org_id)}得分{t.total}分（{t.grade}）。"
            )
        elif ordered:
            sentences.append(
                f"{group.title_zh}结果："
                + "；".join(
                    f"第{t.rank}名{data.unit_name(t.org_id)}（{t.total}分，{t.grade}）"
                    for t in ordered
                )
                + "。"
            )
    for kind, wording in CONSEQUENCE_ZH.items():  # the table's wording (consequence_text)
        named = [data.unit_name(c.org_id) for c in data.consequences if c.kind is kind]
        if named:
            sentences.append(f"对{_names(named)}{wording}。")
    if not rows and not data.other_rankings:
        sentences.insert(0, "本期未开展考核排名。")
    provisional = [data.unit_name(t.org_id) for t in _in_rank_order(data.totals) if t.provisional]
    if provisional:
        sentences.append(
            f"{_names(provisional)}的考核得分为暂定：部分考核项目缺少数据或评分，按0分暂计"
            "（见考核得分明细表“说明”栏），数据和评分补齐后据实更新。"
        )
    nobody = _items_nobody_scored(data)
    if nobody:
        sentences.append(
            f"各单位在{_names(nobody)}等{len(nobody)}个考核项目上均未得分"
            "（无数据、未录入或暂不能计分，原因见考核得分明细表“说明”栏），"
            "相关数据和评分补齐后据实更新考核结果。"
        )
    return rows, sentences


def _items_nobody_scored(data: ReportData) -> list[str]:
    """Items no assessed unit could be scored on (no data, not entered, or not scorable),
    in first-seen order: a reader of the ranking must know when totals rest on only part of
    the scheme. An item scored 0 by its rule (a value below the target) is a result, not a
    gap, and a deduction item (weight 0) at 0 means nothing was deducted; when the status is
    not given, 0 points counts as not scored."""
    by_item: dict[str, list[bool]] = {}
    for i in data.items:
        if i.weight == 0:
            continue
        gap = i.status == "missing" if i.status else i.points == 0
        by_item.setdefault(i.item, []).append(gap)
    return [item for item, gaps in by_item.items() if all(gaps)]


def _task_sentences(tasks: list[ReformTask]) -> list[str]:
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
        return [head + f"逾期未完成的任务{len(late)}项：{_codes(late)}（表3中标注“逾期”）。"]
    return [
        head
        + f"逾期未完成的任务{len(late)}项："
        + "；".join(
            f"{t.code}“{t.title}”（牵头单位：{t.lead_department or '未明确'}）" for t in late
        )
        + "。"
    ]


#: No-data indicators named in 总体情况; more are counted (表1 lists them all).
NAMED_MISSING = 4

#: Overdue tasks named with their titles in 四、重点任务进展; more are listed by code only.
LISTED_LATE_TASKS = 3


def _codes(tasks: Sequence[ReformTask]) -> str:
    return "、".join(t.code for t in tasks)


def _problems(
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

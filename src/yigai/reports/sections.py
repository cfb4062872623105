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
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path

from yigai.periods import Grain, Period
from yigai.reports import params
from yigai.reports.indicator_section import (
    INDICATOR_HEADERS,
    IndicatorRow,
    closes_year,
    indicator_row,
    target_for,
)
from yigai.reports.key_points import KeyPoints, key_points
from yigai.reports.model import (
    AssessmentItem,
    OrgUnit,
    ReformTask,
    ReportData,
    ReportDataError,
    Target,
)
from yigai.reports.notes_section import SYNTHETIC_BANNER, document_notes
from yigai.reports.problems_section import problems as _problems
from yigai.reports.ranking_section import (
    ITEM_HEADERS,
    RANKING_HEADERS,
    RankingRow,
    consequence_text,
    grade_text,
)
from yigai.reports.ranking_section import ranking as _ranking
from yigai.reports.summary_section import NAMED_MISSING, UnitValue
from yigai.reports.summary_section import summary as _summary
from yigai.reports.task_section import LISTED_LATE_TASKS, TASK_HEADERS
from yigai.reports.task_section import task_sentences as _task_sentences
from yigai.reports.wording import (
    ISSUER_LINE_PT,
    date_zh,
    deadline_zh,
    format_value,
    issuer_size_pt,
    period_zh,
    task_cells,
)

__all__ = [
    "INDICATOR_HEADERS",
    "ISSUER_LINE_PT",
    "ITEM_HEADERS",
    "LISTED_LATE_TASKS",
    "NAMED_MISSING",
    "RANKING_HEADERS",
    "TASK_HEADERS",
    "IndicatorRow",
    "RankingRow",
    "Report",
    "ReportKind",
    "UnitValue",
    "build",
    "closes_year",
    "consequence_text",
    "date_zh",
    "deadline_zh",
    "default_title",
    "format_value",
    "grade_text",
    "issuer_size_pt",
    "period_zh",
    "target_for",
    "task_cells",
]

#: Indicators (columns) in the units' comparison table: more do not fit the page width.
COMPARED_INDICATORS = 5

TREND_MONTHS = 12  # the trend chart covers the last twelve months up to the period's end


class ReportKind(StrEnum):
    MONTHLY = "monthly"  # 月度进展报告
    QUARTERLY = "quarterly"  # 季度通报


KIND_GRAIN = {ReportKind.MONTHLY: Grain.MONTH, ReportKind.QUARTERLY: Grain.QUARTER}


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
    #: page 1's points (要点): missed targets with their laggards, overdue tasks, next steps
    key_points: KeyPoints | None = None

    @property
    def body_rows(self) -> list[IndicatorRow]:
        """Table 1 of the body: the plan's key indicators (all when none are named); the
        annex (:attr:`indicator_rows`) lists every indicator."""
        wanted = list(self.data.body_indicator_ids)
        if not wanted:
            return self.indicator_rows
        by_id = {r.meta.id: r for r in self.indicator_rows}
        return [by_id[i] for i in wanted if i in by_id]

    @property
    def annex_title(self) -> str:
        return "主要监测指标完成情况表"

    @property
    def annex_line(self) -> str:
        """附件说明 (GB/T 9704-2012 7.3.4): names the annex after the body."""
        return f"附件：{self.annex_title}"

    @property
    def target_sources(self) -> list[str]:
        """目标值依据 under the annex: each indicator's target with the document it comes
        from, cited by the document itself (:func:`yigai.sources.cite`)."""
        from yigai.sources import cite

        return [
            f"{r.meta.name_zh}：{cite(r.target.source)}"
            for r in self.indicator_rows
            if r.target is not None and r.target.source
        ]

    @property
    def unit_comparison(self) -> tuple[list[tuple[str, str]], list[list[str]]] | None:
        """表1-2: the compared units (a city's counties …) on the body's key indicators, one
        row per unit in rank order of the first column; None with fewer than two units with
        a value. At most :data:`COMPARED_INDICATORS` columns of indicators, those with values."""
        data = self.data
        metas = [
            r.meta
            for r in self.body_rows
            if sum(data.value(r.meta.id, u.id, data.period.id) is not None for u in data.units) >= 2
        ][:COMPARED_INDICATORS]
        if not metas:
            return None
        first = metas[0]
        sign = -1 if first.direction.value == "higher" else 1

        def rank_key(u: OrgUnit) -> tuple[int, Decimal, str]:
            v = data.value(first.id, u.id, data.period.id)
            return (v is None, sign * (v or Decimal(0)), u.id)

        headers = [("单位", "Unit"), *((m.name_zh, m.name_en) for m in metas)]
        rows = [
            [
                u.name_zh,
                *(format_value(data.value(m.id, u.id, data.period.id), m.unit) for m in metas),
            ]
            for u in sorted(data.units, key=rank_key)
        ]
        return headers, rows

    @property
    def notes(self) -> list[str]:
        """说明 of every format: synthetic data, what governs the region, the data version
        (:func:`.notes_section.document_notes`)."""
        return document_notes(self.data)

    @property
    def synthetic_banner(self) -> str:
        """The 合成示范数据 mark each page or sheet carries; empty for real data."""
        return SYNTHETIC_BANNER if self.data.synthetic else ""

    def period_rules(self, rows: list[IndicatorRow]) -> list[str]:
        """统计口径 of the ``rows`` whose value reads differently by month, quarter and year
        (``data/period_rules.yaml``)."""
        rules = load_period_rules()
        return [f"{r.meta.name_zh}：{rules[r.meta.id]}" for r in rows if r.meta.id in rules]

    @property
    def closing(self) -> str:
        """The closing formula: a bulletin notifies (特此通报), a report reports (特此报告)."""
        return "特此报告。" if self.kind is ReportKind.MONTHLY else "特此通报。"

    @property
    def period_zh(self) -> str:
        return period_zh(self.data.period)

    @property
    def table1_lead(self) -> str:
        """The sentence before 表1, explaining its colours and any 填报 values."""
        text = (
            "重点监测指标完成情况见表1，全部指标及其分子、分母见附件（状态只看目标：达标为绿色，未达标但与目标的差距在容差以内"
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
        return f"现将{self.period_zh}{self.data.region.name_zh}深化医药卫生体制改革{what}。"

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
    label = period_zh(data.period)
    if kind is ReportKind.MONTHLY:
        return f"关于{label}深化医药卫生体制改革重点工作进展情况的报告"
    return f"关于{label}县域医共体建设监测考核情况的通报"


def build(data: ReportData, kind: ReportKind) -> Report:
    """Build every section of a report of ``kind`` from ``data``."""
    if data.period.grain is not KIND_GRAIN[kind]:
        want = "月" if kind is ReportKind.MONTHLY else "季度"
        raise ReportDataError(
            f"报告周期 {data.period.id} 不是{want}，无法生成{'月度进展报告' if kind is ReportKind.MONTHLY else '季度通报'} / "
            f"period {data.period.id} is not a {KIND_GRAIN[kind].value}, as a {kind.value} report needs"
        )
    tolerance = params.load("status.amber_tolerance").at(data.period.end)
    rows = [indicator_row(data, meta, tolerance) for meta in data.indicators]
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
    report.key_points = key_points(data, rows, tasks)
    return report


def _months_back(period: Period) -> list[Period]:
    months = [Period.month(period.end.year, period.end.month)]
    for _ in range(TREND_MONTHS - 1):
        months.append(months[-1].previous())
    return months[::-1]


def _rank_of(data: ReportData, org_id: str) -> int:
    return next((t.rank for t in data.totals if t.org_id == org_id), 10**6)


PERIOD_RULES_FILE = Path(__file__).parent / "data" / "period_rules.yaml"


@cache
def load_period_rules() -> dict[str, str]:
    """Indicator id → its period rule (统计口径), from ``data/period_rules.yaml``."""
    import yaml

    from yigai.reports.params import StrictLoader

    with PERIOD_RULES_FILE.open(encoding="utf-8") as f:
        return {str(k): str(v) for k, v in (yaml.load(f, Loader=StrictLoader) or {}).items()}

"""Report inputs (报告数据): what the lead assembles for a monthly report or quarterly bulletin.

The shapes follow docs/CONTRACTS.md (indicator result table, indicator metadata, targets,
assessment totals and items, consequences, reform tasks) but are plain dataclasses so that
``reports`` imports no other yigai package except ``periods``/``orgs``. Values are
``Decimal`` (never float): indicator values arrive as Decimal text from the indicator engine
and are parsed here once, with a bilingual error naming table, row and column when they are
not numbers.

Source for the two products: seed 001 (辽宁省医改工作汇报) — "建立了医改重点任务进展情况
月报告和季通报制度" (a monthly progress report and a quarterly bulletin on key reform tasks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from yigai.indicators.model import Direction, Unit
from yigai.orgs.model import OrgKind
from yigai.periods import Period, PeriodError, parse


class ReportDataError(ValueError):
    """Report inputs that cannot be reported on; the message is Chinese first, then English."""


#: English names of the input tables, for the second half of every error message.
TABLE_EN: dict[str, str] = {
    "指标结果": "indicator results",
    "指标元数据": "indicator metadata",
    "目标值": "targets",
    "考核总分": "assessment totals",
    "考核得分明细": "assessment items",
    "考核结果运用": "consequences",
    "报告设置": "report settings",
}


def data_error(
    table: str, row: int | None, column: str | None, zh: str, en: str
) -> ReportDataError:
    """Build an error naming the input table (and row/column when known)."""
    where_zh = (
        table + (f"第{row}行" if row is not None else "") + (f"“{column}”列" if column else "")
    )
    where_en = (
        TABLE_EN.get(table, table)
        + (f" row {row}" if row is not None else "")
        + (f", column {column}" if column else "")
    )
    return ReportDataError(f"{where_zh}：{zh} / {where_en}: {en}")


def to_decimal(
    raw: Any, *, table: str, row: int, column: str, optional: bool = True
) -> Decimal | None:
    """Parse Decimal text (or int/Decimal) without ever passing through float."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if optional:
            return None
        raise data_error(table, row, column, "缺少数值", "value is missing")
    if isinstance(raw, float):
        # A float already lost exactness upstream; refusing it keeps every number traceable.
        raise data_error(
            table, row, column, f"数值不能为浮点数：{raw!r}", f"float not accepted: {raw!r}"
        )
    if isinstance(raw, bool):
        raise data_error(table, row, column, f"不是数值：{raw!r}", f"not a number: {raw!r}")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise data_error(
            table, row, column, f"不是有效数值：{raw!r}", f"not a decimal number: {raw!r}"
        ) from None
    if not value.is_finite():
        raise data_error(table, row, column, f"不是有限数值：{raw!r}", f"not finite: {raw!r}")
    return value


def to_required_decimal(raw: Any, *, table: str, row: int, column: str) -> Decimal:
    """Like :func:`to_decimal`, for a cell that must hold a number."""
    value = to_decimal(raw, table=table, row=row, column=column, optional=False)
    if value is None:  # unreachable with optional=False; keeps the return type exact
        raise data_error(table, row, column, "缺少数值", "value is missing")
    return value


UNIT_SUFFIX_ZH: dict[Unit, str] = {
    Unit.PERCENT: "%",
    Unit.PERMILLE: "‰",
    Unit.YUAN: "元",
    Unit.COUNT: "",
    Unit.RATIO: "",
    Unit.PER_1000: "/千人",
    Unit.PER_10000: "/万人",
    Unit.DAYS: "天",
}

#: Units whose change between periods is reported as a difference in points (个百分点),
#: because a growth rate of a rate reads ambiguously in a bulletin.
RATE_UNITS: frozenset[Unit] = frozenset({Unit.PERCENT, Unit.PERMILLE})


@dataclass(frozen=True)
class IndicatorMeta:
    """指标元数据: one catalogue entry as reports need it."""

    id: str
    name_zh: str
    name_en: str
    unit: Unit
    direction: Direction
    #: grains the indicator is defined for (e.g. ``("year",)`` for 规范管理率); empty: all
    grains: tuple[str, ...] = ()

    def defined_for(self, grain: str) -> bool:
        return not self.grains or grain in self.grains


@dataclass(frozen=True)
class IndicatorValue:
    """指标结果: one row of the indicator result table (docs/CONTRACTS.md)."""

    indicator_id: str
    org_id: str
    period_id: str
    grain: str
    numerator: int
    denominator: int
    value: Decimal | None
    source: str = "computed"


@dataclass(frozen=True)
class Target:
    """目标值: a target in the indicator's unit; ``scope`` is an org id, ``kind:<kind>`` or ``*``."""

    indicator_id: str
    value: Decimal
    deadline: dt.date
    scope: str = "*"
    baseline: Decimal | None = None
    source: str = ""


@dataclass(frozen=True)
class OrgUnit:
    """A unit named in the report (the county itself, its communities or institutions)."""

    id: str
    name_zh: str
    kind: OrgKind = OrgKind.INSTITUTION


@dataclass(frozen=True)
class AssessmentTotal:
    """考核总分: one unit's total score, grade (合格/不合格) and rank (1 = best)."""

    org_id: str
    total: Decimal
    grade: str
    rank: int
    #: the total rests on items that had no input (scored 0 for now): 暂定, not final
    provisional: bool = False


@dataclass(frozen=True)
class RankingGroup:
    """Another assessment reported beside the period's own, e.g. the communities' annual
    assessment (医共体年度考核) in the bulletin of the quarter that closes the year."""

    title_zh: str  # e.g. 2025年度县域医共体绩效考核
    totals: Sequence[AssessmentTotal]


@dataclass(frozen=True)
class AssessmentItem:
    """考核得分明细: points of one unit on one assessment item."""

    org_id: str
    item: str
    value: Decimal | None
    target: Decimal | None
    points: Decimal
    explanation_zh: str = ""
    #: the item's weight; 0 for a pure deduction item (扣分项), whose 0 points mean "nothing
    #: deducted" rather than "not scored". None when the source does not say.
    weight: Decimal | None = None
    #: how the points came about (yigai.assess: ``scored``, ``missing`` …); "" when unknown
    status: str = ""


class ConsequenceKind(StrEnum):
    """考核结果运用: commendation, warning, recommendation to remove the head."""

    COMMENDED = "commended"  # 通报表扬
    WARNED = "warned"  # 通报批评、限期整改
    REMOVAL_RECOMMENDED = "removal_recommended"  # 建议免职

    @classmethod
    def _missing_(cls, value: object) -> ConsequenceKind | None:
        # yigai.assess.consequences spells the third kind "head_removal".
        return cls.REMOVAL_RECOMMENDED if value == "head_removal" else None


#: The one wording of each consequence, in the ranking table and the body text alike (seed
#: 003: 给予通报表彰 / 通报批评，并限期整改 / 免去单位负责人职务).
CONSEQUENCE_ZH: dict[ConsequenceKind, str] = {
    ConsequenceKind.COMMENDED: "予以通报表彰",
    ConsequenceKind.WARNED: "予以通报批评，限期整改",
    ConsequenceKind.REMOVAL_RECOMMENDED: "建议免去单位负责人职务",
}


@dataclass(frozen=True)
class Consequence:
    """One consequence; ``text_zh`` is the reason as the source gives it (kept, not printed:
    reports print the one wording of :data:`CONSEQUENCE_ZH`)."""

    org_id: str
    kind: ConsequenceKind
    text_zh: str


#: Display names of the reform-task status codes; unknown codes are shown as given.
TASK_STATUS_ZH: dict[str, str] = {
    "not_started": "未启动",
    "in_progress": "推进中",
    "completed": "已完成",
    "suspended": "暂缓",
}


@dataclass(frozen=True)
class ReformTask:
    """重点改革任务 with its latest progress and the overdue flag computed by ``reform``."""

    code: str
    title: str
    lead_department: str
    co_departments: tuple[str, ...]
    deadline: dt.date | None  # None when the plan gives only a text such as 长期坚持
    status: str
    overdue: bool
    latest_progress: str = ""
    deadline_text: str = ""

    @property
    def status_zh(self) -> str:
        return TASK_STATUS_ZH.get(self.status, self.status)

    @property
    def completed(self) -> bool:
        return self.status == "completed"


@dataclass(frozen=True)
class DocumentHeader:
    """公文要素 (GB/T 9704-2012): issuing authority mark, document number, recipients, 版记."""

    issuer_zh: str  # 发文机关标志, e.g. XX县深化医药卫生体制改革领导小组办公室
    doc_number: str  # 发文字号, e.g. 县医改办〔2025〕12号
    issue_date: dt.date  # 成文日期
    signatory_zh: str = ""  # 发文机关署名 (defaults to the issuer)
    recipients_zh: str = ""  # 主送机关
    cc_zh: str = ""  # 抄送
    printer_zh: str = ""  # 印发机关 (defaults to the issuer)
    title_zh: str = ""  # 标题; generated from the period when empty
    #: 签发人 of a report upward (上行文, GB/T 9704-2012 7.2.5); "" prints the office's
    #: principal's title for the officer to fill in
    signer_zh: str = ""


@dataclass(frozen=True)
class ReportData:
    """Everything one report is built from. ``region_id`` is the unit the report is about
    (usually the county); ``units`` are the units compared in tables and charts."""

    header: DocumentHeader
    period: Period
    region: OrgUnit
    units: Sequence[OrgUnit]
    indicators: Sequence[IndicatorMeta]
    results: Sequence[IndicatorValue]
    targets: Sequence[Target] = ()
    totals: Sequence[AssessmentTotal] = ()
    items: Sequence[AssessmentItem] = ()
    consequences: Sequence[Consequence] = ()
    tasks: Sequence[ReformTask] = ()
    key_indicator_id: str | None = None  # charted indicator; the first indicator when None
    scheme_zh: str = ""  # name of the scheme behind ``totals`` (考核方案名称)
    other_rankings: Sequence[RankingGroup] = ()
    #: indicators the body's table 1 keeps (the plan's key ones); empty: every indicator.
    #: The annex always lists all of them.
    body_indicator_ids: Sequence[str] = ()
    #: 数据版本: the warehouse table versions the report read (record set → Delta version);
    #: assembling again from ``Warehouse.at`` of them gives the same report.
    warehouse_versions: dict[str, int] = field(default_factory=dict, compare=False)
    #: 说明: what governs the region (the deployment's plan, targets and rules, issue 14 §2),
    #: printed in every document's notes; set by assembly from the deployment in force.
    governance_zh: Sequence[str] = ()
    #: the data are the synthetic demo's (the deployment or the warehouse says so): every
    #: document then says 合成示范数据. Set by assembly, not by the writers' caller.
    synthetic: bool = False
    _index: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        validate(self)

    def indicator(self, indicator_id: str) -> IndicatorMeta:
        return {m.id: m for m in self.indicators}[indicator_id]

    def unit_name(self, org_id: str) -> str:
        names = {u.id: u.name_zh for u in (self.region, *self.units)}
        return names.get(org_id, org_id)

    @property
    def key_indicator(self) -> IndicatorMeta:
        wanted = self.key_indicator_id or self.indicators[0].id
        return self.indicator(wanted)

    def result(self, indicator_id: str, org_id: str, period_id: str) -> IndicatorValue | None:
        """The result row (value with its numerator and denominator), or None when absent."""
        return self._result(indicator_id, org_id, period_id)

    def _result(self, indicator_id: str, org_id: str, period_id: str) -> IndicatorValue | None:
        if not self._index:
            self._index.update({(r.indicator_id, r.org_id, r.period_id): r for r in self.results})
        return self._index.get((indicator_id, org_id, period_id))

    def value(self, indicator_id: str, org_id: str, period_id: str) -> Decimal | None:
        """The value of one indicator × unit × period, or None when absent or undefined."""
        found = self._result(indicator_id, org_id, period_id)
        return None if found is None else found.value

    def is_reported(self, indicator_id: str, org_id: str, period_id: str) -> bool:
        """Whether the value was reported by the unit (填报) rather than computed from records."""
        found = self._result(indicator_id, org_id, period_id)
        return found is not None and found.source == "reported"


def validate(data: ReportData) -> None:
    """Reject inputs that would make a number in the report untraceable."""
    if not data.indicators:
        raise data_error(
            "指标元数据", None, None, "至少需要一项指标", "at least one indicator is needed"
        )
    known: set[str] = set()
    for i, meta in enumerate(data.indicators, start=1):
        if meta.id in known:
            raise data_error(
                "指标元数据", i, "id", f"指标重复：{meta.id}", f"duplicate indicator {meta.id}"
            )
        known.add(meta.id)
    if data.key_indicator_id is not None and data.key_indicator_id not in known:
        raise data_error(
            "报告设置",
            None,
            "key_indicator_id",
            f"重点指标 {data.key_indicator_id} 不在指标元数据中",
            f"key indicator {data.key_indicator_id} is not among the indicators",
        )
    seen: set[tuple[str, str, str]] = set()
    for i, r in enumerate(data.results, start=1):
        if r.indicator_id not in known:
            raise data_error(
                "指标结果",
                i,
                "indicator_id",
                f"未知指标：{r.indicator_id}",
                f"unknown indicator {r.indicator_id}",
            )
        try:
            parse(r.period_id)
        except PeriodError as exc:
            raise data_error("指标结果", i, "period_id", str(exc), "invalid period") from None
        key = (r.indicator_id, r.org_id, r.period_id)
        if key in seen:
            raise data_error(
                "指标结果",
                i,
                None,
                f"同一指标、单位、周期出现多行：{key}",
                f"more than one row for {key}",
            )
        seen.add(key)
    for i, t in enumerate(data.targets, start=1):
        if t.indicator_id not in known:
            raise data_error(
                "目标值",
                i,
                "indicator",
                f"未知指标：{t.indicator_id}",
                f"unknown indicator {t.indicator_id}",
            )
    for i, wanted in enumerate(data.body_indicator_ids, start=1):
        if wanted not in known:
            raise data_error(
                "报告设置",
                i,
                "body_indicator_ids",
                f"正文重点指标 {wanted} 不在指标元数据中",
                f"body indicator {wanted} is not among the indicators",
            )
    ranks = [t.rank for t in data.totals]
    if ranks and sorted(ranks)[0] < 1:
        raise data_error("考核总分", None, "rank", "名次应从1开始", "ranks start at 1")

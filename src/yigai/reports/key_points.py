"""要点 (page 1): what the director must see first — which targets are missed and by how much,
which compared units lag on each (named, with their values and the counts behind them),
which tasks are overdue and who leads them, and the next steps with owner and month.

Rules (yigai working defaults, stated so they can be argued with):

- A target is *missed* when the region's status is 未达标 or 接近目标 (red or amber); red ones
  come first. The gap is in the indicator's unit, in points (个百分点) for rates.
- A compared unit *lags* on a missed indicator when its own value misses the target that
  applies to it (:func:`~yigai.reports.indicator_section.target_for`); the worst
  :data:`NAMED_LAGGARDS` are named, worst first, and the count of laggards is always given.
- Page 1 details the missed targets of the plan's key indicators (the body's table 1); the
  other missed targets are named with their gap in one sentence (the annex has them all).
- A next step's month (完成时限) is the month after the document's issue month: a bulletin
  issued on 15 January asks for the work by the end of February.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from yigai.orgs.model import OrgKind
from yigai.reports.indicator_section import IndicatorRow, target_for
from yigai.reports.model import RATE_UNITS, IndicatorValue, ReformTask, ReportData, Unit
from yigai.reports.status import Status, meets_target
from yigai.reports.wording import count_text, format_value, month_zh, names

#: Lagging units named per missed indicator; the others are counted.
NAMED_LAGGARDS = 3

#: Overdue tasks named with their titles on page 1; the others are counted by code.
NAMED_OVERDUE = 3


#: Units whose value is a ratio of two counts a reader can check (people, visits, staff);
#: money averages are left out (their numerator is in fen, which reads as a wrong figure).
COUNTED_UNITS = frozenset({*RATE_UNITS, Unit.PER_1000, Unit.PER_10000, Unit.RATIO})


def counts_text(found: IndicatorValue | None, unit: Unit) -> str:
    """（分子/分母） of a value, e.g. （8,520/10,000）; "" when there is no ratio of counts
    behind it (a growth rate, a count, a money average)."""
    if unit not in COUNTED_UNITS:
        return ""
    if found is None or found.denominator in (None, 0) or found.numerator is None:
        return ""
    return f"（{count_text(found.numerator)}/{count_text(found.denominator)}）"


def gap_text(value: Decimal, target: Decimal, unit: Unit) -> str:
    """How far a value is from its target: 4.80个百分点, 12.30元."""
    gap = abs(value - target)
    if unit in RATE_UNITS:
        return f"{gap}个{'百' if unit is Unit.PERCENT else '千'}分点"
    return format_value(gap, unit)


@dataclass(frozen=True)
class Laggard:
    org_id: str
    name_zh: str
    value: Decimal
    counts: str  # （分子/分母）


@dataclass(frozen=True)
class MissedTarget:
    """One missed target of the region, with the compared units that miss theirs."""

    row: IndicatorRow
    counts: str
    laggards: tuple[Laggard, ...]
    compared: int  # compared units with a value
    noun: str = "单位"  # what the compared units are: 县 for a city's bulletin

    @property
    def gap(self) -> str:
        r = self.row
        assert r.value is not None and r.target is not None  # missed implies both
        return gap_text(r.value, r.target.value, r.meta.unit)

    @property
    def sentence(self) -> str:
        r = self.row
        assert r.value is not None and r.target is not None  # missed implies both
        u = r.meta.unit
        side = "低于" if r.meta.direction.value == "higher" else "高于"
        text = (
            f"{r.meta.name_zh}{format_value(r.value, u)}{self.counts}，{side}目标值"
            f"{format_value(r.target.value, u)}，差{gap_text(r.value, r.target.value, u)}"
        )
        if r.status is Status.AMBER:
            text += "（接近目标）"
        if self.laggards:
            shown = names(
                [
                    f"{g.name_zh}{format_value(g.value, u)}{g.counts}"
                    for g in self.laggards[:NAMED_LAGGARDS]
                ]
            )
            text += f"；{self.compared}个{self.noun}中{len(self.laggards)}个未达标：{shown}"
            if len(self.laggards) > NAMED_LAGGARDS:
                text += f"等{len(self.laggards)}个"
        return text + "。"


@dataclass(frozen=True)
class NextStep:
    """下一步工作 with who does it (责任单位) and by when (完成时限, a month)."""

    text: str
    owner: str
    month: str

    @property
    def sentence(self) -> str:
        return f"{self.text}（责任单位：{self.owner}；完成时限：{self.month}底前）。"


@dataclass(frozen=True)
class KeyPoints:
    #: missed targets of the plan's key indicators, each with its laggards
    missed: tuple[MissedTarget, ...]
    overdue: tuple[ReformTask, ...]
    steps: tuple[NextStep, ...]
    #: the other missed targets, named with their gap in one sentence (the annex has all)
    others: tuple[MissedTarget, ...] = ()

    @property
    def others_sentence(self) -> str:
        if not self.others:
            return ""
        named = "、".join(f"{m.row.meta.name_zh}（差{m.gap}）" for m in self.others)
        return f"其他未达标指标{len(self.others)}项：{named}，详见附件。"

    @property
    def overdue_sentence(self) -> str:
        if not self.overdue:
            return "重点改革任务均在时限内推进，无逾期任务。"
        named = "；".join(
            f"{t.code}“{t.title}”（牵头单位：{t.lead_department or '未明确'}）"
            for t in self.overdue[:NAMED_OVERDUE]
        )
        more = len(self.overdue) - NAMED_OVERDUE
        rest = (
            f"；另有{more}项（{'、'.join(t.code for t in self.overdue[NAMED_OVERDUE:])}）"
            if more > 0
            else ""
        )
        return f"逾期未完成的重点任务{len(self.overdue)}项：{named}{rest}。"


def _laggards(data: ReportData, row: IndicatorRow, period_id: str) -> tuple[list[Laggard], int]:
    out: list[tuple[Decimal, Laggard]] = []
    compared = 0
    for unit in data.units:
        found = data.result(row.meta.id, unit.id, period_id)
        if found is None or found.value is None:
            continue
        compared += 1
        target = target_for(data.targets, row.meta.id, unit, data.period)
        if target is None or meets_target(found.value, target.value, row.meta.direction):
            continue
        shortfall = (target.value - found.value) * (
            1 if row.meta.direction.value == "higher" else -1
        )
        out.append(
            (
                shortfall,
                Laggard(unit.id, unit.name_zh, found.value, counts_text(found, row.meta.unit)),
            )
        )
    out.sort(key=lambda pair: (-pair[0], pair[1].org_id))
    return [g for _, g in out], compared


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def key_points(data: ReportData, rows: list[IndicatorRow], tasks: list[ReformTask]) -> KeyPoints:
    """The page-1 points of a report (rules in the module docstring)."""
    missed = []
    ordered = [r for r in rows if r.status is Status.RED] + [
        r for r in rows if r.status is Status.AMBER
    ]
    noun = unit_noun(data)
    for r in ordered:
        shown = str(data.period.end.year) if r.basis == "year" else data.period.id
        lagging, compared = _laggards(data, r, shown)
        found = data.result(r.meta.id, data.region.id, shown)
        missed.append(
            MissedTarget(r, counts_text(found, r.meta.unit), tuple(lagging), compared, noun)
        )
    key = set(data.body_indicator_ids)
    others = [m for m in missed if key and m.row.meta.id not in key]
    missed = [m for m in missed if not key or m.row.meta.id in key]
    overdue = tuple(t for t in tasks if t.overdue)
    month = month_zh(next_month(data.header.issue_date))
    office = data.header.issuer_zh
    steps = [
        NextStep(
            f"{m.row.meta.name_zh}未达标，逐单位分析原因并报送整改措施",
            names([g.name_zh for g in m.laggards[:NAMED_LAGGARDS]]) or office,
            month,
        )
        for m in missed
        if m.row.status is Status.RED
    ]
    steps += [
        NextStep(f"加快推进逾期任务{t.code}“{t.title}”", t.lead_department or office, month)
        for t in overdue[:NAMED_OVERDUE]
    ]
    return KeyPoints(tuple(missed), overdue, tuple(steps), tuple(others))


#: What the compared units are called in 要点, by their kind.
UNIT_NOUN = {OrgKind.COUNTY: "县", OrgKind.CITY: "市", OrgKind.COMMUNITY: "医共体"}


def unit_noun(data: ReportData) -> str:
    """县 when a city compares its counties, 市 for cities; 单位 for a mix or institutions."""
    kinds = {u.kind for u in data.units}
    return UNIT_NOUN.get(next(iter(kinds)), "单位") if len(kinds) == 1 else "单位"

"""二、主要指标完成情况: one row per indicator (value, target, previous, last year, change,
status), targets chosen by scope and deadline (rules in :mod:`yigai.reports.sections`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from yigai.periods import Grain, Period
from yigai.reports.model import (
    IndicatorMeta,
    OrgUnit,
    ReportData,
    Target,
)
from yigai.reports.status import (
    STATUS_ZH,
    Status,
    change,
    change_label_zh,
    rag_status,
    target_text,
    trend,
)
from yigai.reports.wording import format_value


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
    #: the counts behind the value (None for a growth rate or where none was given)
    numerator: int | None = None
    denominator: int | None = None

    @property
    def counts_zh(self) -> str:
        """分子/分母 as the annex prints them (``8,520/10,000``); — without a ratio."""
        if self.numerator is None or not self.denominator:
            return "—"
        return f"{self.numerator:,}/{self.denominator:,}"

    @property
    def annex_cells(self) -> list[str]:
        """The annex row: the body's columns with 分子/分母 after the value."""
        cells = self.cells
        return [*cells[:2], self.counts_zh, *cells[2:]]

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
            change_label_zh(self.mom, u, "与上期持平"),
            change_label_zh(self.yoy, u, "与去年同期持平"),
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

#: The annex table: the body's columns with the counts behind each value.
ANNEX_HEADERS = [
    *INDICATOR_HEADERS[:2],
    ("分子/分母", "Numerator/denominator"),
    *INDICATOR_HEADERS[2:],
]


def closes_year(period: Period) -> bool:
    return period.end == dt.date(period.end.year, 12, 31)


def indicator_row(
    data: ReportData, meta: IndicatorMeta, tolerance: Decimal, org: OrgUnit | None = None
) -> IndicatorRow:
    """The row of ``meta`` for the region (or for ``org``, one of the compared units)."""
    p = data.period
    unit = org or data.region
    region = unit.id
    target = target_for(data.targets, meta.id, unit, p)
    by_year = not meta.defined_for(p.grain.value) and meta.defined_for(Grain.YEAR.value)
    if by_year and not closes_year(p):
        return IndicatorRow(meta, None, target, None, None, None, None, Status.NOT_DUE)
    # A year-only indicator shows the year's value in the period that closes the year, with
    # no 上期 to compare (the previous year is its 同期).
    shown = Period.year(p.end.year) if by_year else p
    value = data.value(meta.id, region, shown.id)
    previous = None if by_year else data.value(meta.id, region, p.previous().id)
    last_year = data.value(meta.id, region, shown.same_period_last_year().id)
    found = data.result(meta.id, region, shown.id)
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
        numerator=None if found is None else found.numerator,
        denominator=None if found is None else found.denominator,
    )

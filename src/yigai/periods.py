"""Reporting periods (统计周期): months ``202503``, quarters ``2025Q1`` and years ``2025``.

Every value yigai reports is for an org unit × period. Period ids are strings so they sort
and print the way reform offices write them; a period knows its first and last day, its
grain, the months it covers and the same period one year earlier (同期, for 同比 growth).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

_MONTH = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class Grain(StrEnum):
    """Granularity of a period: 月 / 季 / 年."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class PeriodError(ValueError):
    """A period id that is not ``YYYYMM``, ``YYYYQn`` or ``YYYY``."""


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period. Construct with :func:`parse`, :meth:`month`, :meth:`quarter`, :meth:`year`."""

    start: dt.date
    end: dt.date
    grain: Grain
    id: str

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(start, nxt - dt.timedelta(days=1), Grain.MONTH, f"{year:04d}{month:02d}")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = cls.month(year, 3 * quarter - 2)
        last = cls.month(year, 3 * quarter)
        return cls(first.start, last.end, Grain.QUARTER, f"{year:04d}Q{quarter}")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), Grain.YEAR, f"{year:04d}")

    @property
    def label_zh(self) -> str:
        """Chinese label: 2025年3月, 2025年第1季度, 2025年."""
        y = self.start.year
        if self.grain is Grain.MONTH:
            return f"{y}年{self.start.month}月"
        if self.grain is Grain.QUARTER:
            return f"{y}年第{(self.start.month + 2) // 3}季度"
        return f"{y}年"

    def months(self) -> list[Period]:
        """The calendar months this period covers, in order."""
        out, y, m = [], self.start.year, self.start.month
        while dt.date(y, m, 1) <= self.end:
            out.append(Period.month(y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def month_keys(self) -> list[int]:
        """Months as integer keys ``yyyymm`` (the warehouse partition key)."""
        return [int(p.id) for p in self.months()]

    def same_period_last_year(self) -> Period:
        """去年同期: the period of the same grain one year earlier."""
        return shift_years(self, -1)

    def previous(self) -> Period:
        """上期: the period of the same grain immediately before (环比)."""
        y = self.start.year
        if self.grain is Grain.MONTH:
            m = self.start.month
            return Period.month(y - 1, 12) if m == 1 else Period.month(y, m - 1)
        if self.grain is Grain.QUARTER:
            q = (self.start.month + 2) // 3
            return Period.quarter(y - 1, 4) if q == 1 else Period.quarter(y, q - 1)
        return Period.year(y - 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.id


def parse(period_id: str | int) -> Period:
    """Parse ``202503``, ``2025Q1`` or ``2025`` into a :class:`Period`."""
    text = str(period_id).strip().upper()
    if m := _MONTH.match(text):
        return Period.month(int(m[1]), int(m[2]))
    if m := _QUARTER.match(text):
        return Period.quarter(int(m[1]), int(m[2]))
    if m := _YEAR.match(text):
        return Period.year(int(m[1]))
    raise PeriodError(
        f"统计周期格式错误：{period_id!r}（应为 202503、2025Q1 或 2025） / "
        f"invalid period {period_id!r}: expected YYYYMM, YYYYQn or YYYY"
    )


def shift_years(period: Period, years: int) -> Period:
    """The period of the same grain and position, ``years`` years away."""
    y = period.start.year + years
    if period.grain is Grain.MONTH:
        return Period.month(y, period.start.month)
    if period.grain is Grain.QUARTER:
        return Period.quarter(y, (period.start.month + 2) // 3)
    return Period.year(y)


def periods_of_year(year: int, grains: Iterable[Grain] = tuple(Grain)) -> list[Period]:
    """All months, quarters and/or the year itself of one calendar year."""
    wanted = set(grains)
    out: list[Period] = []
    if Grain.MONTH in wanted:
        out += [Period.month(year, m) for m in range(1, 13)]
    if Grain.QUARTER in wanted:
        out += [Period.quarter(year, q) for q in range(1, 5)]
    if Grain.YEAR in wanted:
        out.append(Period.year(year))
    return out

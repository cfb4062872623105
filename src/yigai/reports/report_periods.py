"""The periods one report reads (报告所用周期): the period itself, the one before, the same
period last year, the twelve months of the trend chart and the year's earlier periods.
"""

from __future__ import annotations

import datetime as dt

from yigai.periods import Grain, Period

TREND_MONTHS = 12


def trend_months(period: Period) -> list[Period]:
    """The twelve months ending with the period's last month, oldest first."""
    months = [Period.month(period.end.year, period.end.month)]
    for _ in range(TREND_MONTHS - 1):
        months.append(months[-1].previous())
    return months[::-1]


def history_periods(period: Period) -> list[Period]:
    """The periods of the same grain in the period's year up to and including it."""
    out = [period]
    while (prev := out[-1].previous()).start.year == period.start.year:
        out.append(prev)
    return out[::-1]


def periods_needed(period: Period) -> list[Period]:
    """Every period a report on ``period`` reads (module docstring), sorted; a period that
    closes a year also reads that year and the one before (year-only indicators, sections)."""
    wanted = {period, period.previous(), period.same_period_last_year()}
    if period.grain is not Grain.YEAR and period.end == dt.date(period.end.year, 12, 31):
        year = Period.year(period.end.year)
        wanted |= {year, year.previous()}
    wanted |= set(trend_months(period))
    wanted |= set(history_periods(period))
    return sorted(wanted, key=lambda p: (p.start, p.end))

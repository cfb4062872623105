"""Wording shared by every section (用语): values with their unit, dates as 公文 write them,
lists of names, the size of the 发文机关标志.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from yigai.periods import Grain, Period
from yigai.reports.model import (
    UNIT_SUFFIX_ZH,
    ReformTask,
    Unit,
)


def format_value(value: Decimal | None, unit: Unit) -> str:
    """A value as printed: the engine's own decimals plus the unit (``85.20%``, ``39.78元``)."""
    if value is None:
        return "—"
    return f"{value}{UNIT_SUFFIX_ZH[unit]}"


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


def names(items: Sequence[str]) -> str:
    return "、".join(items)


#: Chinese numerals of the quarters: 公文 write 第四季度, not 第4季度.
QUARTER_ZH = ("一", "二", "三", "四")


def period_zh(period: Period) -> str:
    """A period as the document writes it: 2025年3月, 2025年第四季度, 2025年."""
    if period.grain is Grain.QUARTER:
        return f"{period.start.year}年第{QUARTER_ZH[(period.start.month - 1) // 3]}季度"
    return period.label_zh


def month_zh(day: dt.date) -> str:
    """The month of ``day`` as a deadline: 2026年2月."""
    return f"{day.year}年{day.month}月"


def count_text(value: int | None) -> str:
    """A numerator or denominator with thousands separators (``12,345``); — when absent."""
    return "—" if value is None else f"{value:,}"

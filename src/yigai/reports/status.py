"""Traffic-light status (红黄绿灯) and period-on-period change (环比 / 同比) of an indicator.

Rules (direction-aware; ``tolerance`` is the dated parameter ``status.amber_tolerance``):

* 绿 green — the target is met: value ≥ target for a higher-is-better indicator (正向指标),
  value ≤ target for a lower-is-better one (逆向指标).
* 黄 amber — not met, but within the tolerance band (higher: value ≥ target × (1 − tol);
  lower: value ≤ target × (1 + tol)), or better than the previous period (上期).
* 红 red — otherwise.
* no value (denominator 0 or no row) → 无数据; no target → 无目标 (neither counts as met).

Change: for rates (percent, permille) 环比/同比 is the difference in points (个百分点 /
个千分点); for every other unit it is the growth rate (value − base) ÷ base × 100, in percent.
Both are rounded ROUND_HALF_UP to 2 decimals; no base (or a zero base for a growth rate)
gives None.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from yigai.reports.model import RATE_UNITS, Direction, Unit

CHANGE_QUANTUM = Decimal("0.01")


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"
    #: the indicator is defined only for longer periods (e.g. 规范管理率 by year) and the
    #: period's year is not over: not a gap in the data, so not counted as 无数据
    NOT_DUE = "not_due"


STATUS_ZH: dict[Status, str] = {
    Status.GREEN: "达标",
    Status.AMBER: "接近目标",
    Status.RED: "未达标",
    Status.NO_DATA: "无数据",
    Status.NO_TARGET: "无目标",
    Status.NOT_DUE: "按年统计",
}

#: Colours used by every writer, so DOCX, PDF, HTML and XLSX agree.
STATUS_RGB: dict[Status, str] = {
    Status.GREEN: "1E8449",
    Status.AMBER: "D68910",
    Status.RED: "C0392B",
    Status.NO_DATA: "7F8C8D",
    Status.NO_TARGET: "7F8C8D",
    Status.NOT_DUE: "7F8C8D",
}


def meets_target(value: Decimal, target: Decimal, direction: Direction) -> bool:
    return value >= target if direction is Direction.HIGHER else value <= target


def is_better(value: Decimal, base: Decimal, direction: Direction) -> bool:
    """Strictly better than ``base`` in the indicator's direction."""
    return value > base if direction is Direction.HIGHER else value < base


def rag_status(
    value: Decimal | None,
    target: Decimal | None,
    previous: Decimal | None,
    direction: Direction,
    tolerance: Decimal,
) -> Status:
    """Status of one value against its target (see the module docstring for the rules)."""
    if tolerance < 0:
        raise ValueError(
            f"黄灯容差不能为负：{tolerance} / amber tolerance must not be negative: {tolerance}"
        )
    if value is None:
        return Status.NO_DATA
    if target is None:
        return Status.NO_TARGET
    if meets_target(value, target, direction):
        return Status.GREEN
    band = abs(target) * tolerance
    within = value >= target - band if direction is Direction.HIGHER else value <= target + band
    if within or (previous is not None and is_better(value, previous, direction)):
        return Status.AMBER
    return Status.RED


def change(value: Decimal | None, base: Decimal | None, unit: Unit) -> Decimal | None:
    """环比 / 同比 change of ``value`` against ``base`` (points for rates, growth % otherwise)."""
    if value is None or base is None:
        return None
    if unit in RATE_UNITS:
        return (value - base).quantize(CHANGE_QUANTUM, rounding=ROUND_HALF_UP)
    if base == 0:
        return None
    return ((value - base) / base * 100).quantize(CHANGE_QUANTUM, rounding=ROUND_HALF_UP)


def change_label_zh(delta: Decimal | None, unit: Unit) -> str:
    """Text for a change: ``+1.20个百分点``, ``-3.50%``, or ``—`` when undefined."""
    if delta is None:
        return "—"
    sign = "+" if delta > 0 else ""
    if unit is Unit.PERCENT:
        return f"{sign}{delta}个百分点"
    if unit is Unit.PERMILLE:
        return f"{sign}{delta}个千分点"
    return f"{sign}{delta}%"

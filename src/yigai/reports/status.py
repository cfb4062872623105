"""Target status (红黄绿灯), improvement on the last period, and 环比 / 同比 change.

One status rule for every document yigai writes (the bulletin, the monthly report, the
demo's HTML summary): the status is about the target only. ``tolerance`` is the dated
parameter ``status.amber_tolerance``.

* 绿 green 达标 — the target is met: value ≥ target for a higher-is-better indicator (正向指标),
  value ≤ target for a lower-is-better one (逆向指标).
* 黄 amber 接近目标 — not met, but within the tolerance of the target (higher: value ≥ target ×
  (1 − tol); lower: value ≤ target × (1 + tol)); exactly on the edge counts as within.
* 红 red 未达标 — otherwise, whether or not the value improved on the last period.
* no value (denominator 0 or no row) → 无数据; no target → 无目标 (neither counts as met).

Improvement (较上期) is a separate column (:func:`trend`): 改善 / 持平 / 退步 against the
previous period in the indicator's direction; it never changes the status.

The target is shown with its direction (:func:`target_text`): ``≥90.00%`` for 县域内就诊率,
``≤40.00%`` for 药占比, the side of the figure that counts as met.

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
    return Status.AMBER if within else Status.RED


def trend(value: Decimal | None, previous: Decimal | None, direction: Direction) -> str:
    """较上期: 改善 (better in the indicator's direction), 持平, 退步, or ``—`` without both."""
    if value is None or previous is None:
        return "—"
    if value == previous:
        return "持平"
    return "改善" if is_better(value, previous, direction) else "退步"


def target_sign(direction: Direction) -> str:
    """The side of the target that counts as met: ≥ for 正向, ≤ for 逆向 indicators."""
    return "≥" if direction is Direction.HIGHER else "≤"


def target_text(shown: str, direction: Direction) -> str:
    """A formatted target with its direction (``≥90.00%``); ``—`` stays as it is."""
    return shown if shown == "—" else f"{target_sign(direction)}{shown}"


def change(value: Decimal | None, base: Decimal | None, unit: Unit) -> Decimal | None:
    """环比 / 同比 change of ``value`` against ``base`` (points for rates, growth % otherwise)."""
    if value is None or base is None:
        return None
    if unit in RATE_UNITS:
        return (value - base).quantize(CHANGE_QUANTUM, rounding=ROUND_HALF_UP)
    if base == 0:
        return None
    return ((value - base) / base * 100).quantize(CHANGE_QUANTUM, rounding=ROUND_HALF_UP)


def change_label_zh(delta: Decimal | None, unit: Unit, unchanged: str = "持平") -> str:
    """Text for a change: ``+1.20个百分点``, ``-3.50%``, ``unchanged`` (与上期持平) for no change
    (a bare ``0.00个百分点`` reads as a missing figure), or ``—`` when undefined."""
    if delta is None:
        return "—"
    if delta == 0:
        return unchanged
    sign = "+" if delta > 0 else ""
    if unit is Unit.PERCENT:
        return f"{sign}{delta}个百分点"
    if unit is Unit.PERMILLE:
        return f"{sign}{delta}个千分点"
    return f"{sign}{delta}%"

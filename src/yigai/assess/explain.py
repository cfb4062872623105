"""Why an item scored what it did (计分说明), in Chinese and English.

Every sentence restates the inputs (value, target, baseline), the rule and the points out of
the weight, e.g. "县域内就诊率 87.20%，目标 90.00%，基线 80.00%，按线性计分得 12.96/18 分".
Values are shown to the item's ``decimals`` (half up) for reading only; scoring used the
exact values.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from yigai.assess.model import (
    AtTarget,
    Direction,
    Entered,
    Item,
    Linear,
    Penalty,
    ThresholdBands,
    Unit,
)
from yigai.assess.scoring import Points, Status

_SUFFIX_ZH = {
    Unit.PERCENT: "%",
    Unit.PERMILLE: "‰",
    Unit.YUAN: "元",
    Unit.COUNT: "",
    Unit.RATIO: "",
    Unit.PER_1000: "/千人",
    Unit.PER_10000: "/万人",
    Unit.DAYS: "天",
    Unit.POINTS: "分",
}
_SUFFIX_EN = {
    Unit.PERCENT: "%",
    Unit.PERMILLE: "‰",
    Unit.YUAN: " yuan",
    Unit.COUNT: "",
    Unit.RATIO: "",
    Unit.PER_1000: " per 1,000",
    Unit.PER_10000: " per 10,000",
    Unit.DAYS: " days",
    Unit.POINTS: " points",
}


def fmt(x: Decimal, decimals: int) -> str:
    """A number to ``decimals`` places, half up, without exponent notation."""
    return f"{x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"


def show(item: Item, x: Decimal, *, en: bool = False) -> str:
    decimals = 0 if item.unit is Unit.COUNT else item.decimals
    return fmt(x, decimals) + (_SUFFIX_EN if en else _SUFFIX_ZH)[item.unit]


def pts(x: Decimal) -> str:
    return fmt(x, 2)


def weight(x: Decimal) -> str:
    """A weight as written in the scheme: 18 rather than 18.00."""
    return fmt(x, 0) if x == x.to_integral_value() else pts(x)


def explain(
    item: Item,
    value: Decimal | None,
    target: Decimal | None,
    baseline: Decimal | None,
    result: Points,
) -> tuple[str, str]:
    """The (zh, en) sentence for one scored item."""
    got_zh = f"得 {pts(result.points)}/{weight(item.weight)} 分"
    got_en = f"{pts(result.points)}/{weight(item.weight)} points"
    if result.status is Status.MISSING and item.manual:
        return (
            f"{item.name_zh} 考核人员未录入，按0分计，{got_zh}",
            f"{item.name_en}: not entered by the assessor, scored 0: {got_en}",
        )
    if result.status is Status.MISSING:
        return (
            f"{item.name_zh} 无数据（未上报或分母为0），按0分计，{got_zh}",
            f"{item.name_en}: no value (not reported or zero denominator), scored 0: {got_en}",
        )
    rule = item.rule
    if isinstance(rule, Entered):
        return (
            f"{item.name_zh} 由考核人员评分，{got_zh}",
            f"{item.name_en}: entered by the assessor: {got_en}",
        )
    assert value is not None
    v_zh, v_en = show(item, value), show(item, value, en=True)
    lower_zh = "（越低越好）" if item.direction is Direction.LOWER else ""
    lower_en = " (lower is better)" if item.direction is Direction.LOWER else ""
    if isinstance(rule, Penalty):
        n = fmt(value, 0)
        per = pts(rule.per_occurrence)
        return (
            f"{item.name_zh} 发生 {n} 次，每次扣 {per} 分（最低 {pts(rule.minimum)} 分），{got_zh}",
            f"{item.name_en}: {n} occurrence(s), {per} points off each "
            f"(minimum {pts(rule.minimum)}): {got_en}",
        )
    if isinstance(rule, ThresholdBands):
        if result.band is None:
            return (
                f"{item.name_zh} {v_zh}{lower_zh}，未达到最低档，按分档计分{got_zh}",
                f"{item.name_en} {v_en}{lower_en}: below every band, banded scoring gives {got_en}",
            )
        sign_zh = "≥" if item.direction is Direction.HIGHER else "≤"
        band_zh, band_en = show(item, result.band), show(item, result.band, en=True)
        return (
            f"{item.name_zh} {v_zh}{lower_zh}，达到 {sign_zh}{band_zh} 档，按分档计分{got_zh}",
            f"{item.name_en} {v_en}{lower_en}: reaches the {sign_zh}{band_en} band, "
            f"banded scoring gives {got_en}",
        )
    assert target is not None
    t_zh, t_en = show(item, target), show(item, target, en=True)
    if isinstance(rule, AtTarget) or result.status is Status.TARGET_NOT_ABOVE_BASELINE:
        met = result.points > 0 or item.weight == 0
        note_zh = note_en = ""
        if result.status is Status.TARGET_NOT_ABOVE_BASELINE:
            assert result.zero_at is not None
            note_zh = f"（目标不优于基线 {show(item, result.zero_at)}，按达标计分）"
            note_en = (
                f" (target no better than baseline {show(item, result.zero_at, en=True)}, "
                "scored as target met or not)"
            )
        return (
            f"{item.name_zh} {v_zh}{lower_zh}，目标 {t_zh}，{'已达标' if met else '未达标'}"
            f"{note_zh}，{got_zh}",
            f"{item.name_en} {v_en}{lower_en}, target {t_en}: "
            f"{'target met' if met else 'target not met'}{note_en}: {got_en}",
        )
    assert isinstance(rule, Linear) and result.zero_at is not None
    z_zh, z_en = show(item, result.zero_at), show(item, result.zero_at, en=True)
    zero_zh = "基线" if rule.floor is None else "零分线"
    zero_en = "baseline" if rule.floor is None else "zero-point floor"
    return (
        f"{item.name_zh} {v_zh}{lower_zh}，目标 {t_zh}，{zero_zh} {z_zh}，按线性计分{got_zh}",
        f"{item.name_en} {v_en}{lower_en}, target {t_en}, {zero_en} {z_en}: "
        f"linear scoring gives {got_en}",
    )

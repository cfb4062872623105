"""Item scoring (单项计分): pure functions from a value, target and baseline to points.

Rounding: each item's points are rounded to 2 decimals, ROUND_HALF_UP, once, at the end of
the item's arithmetic; the total (总分) is the sum of the rounded item points, so the items a
report prints always add up to the total it prints. A total below 0 (possible only through
penalty items with a negative minimum) is raised to 0.

Missing values: an item whose value is missing (no row, or a null value because the
denominator was 0) scores 0 and its explanation says so. A county that wants a different
treatment records the value as a manual entry instead. A missing *target* or *baseline* is a
configuration error and stops the run (see :mod:`yigai.assess.assessment`), because scoring it
0 would silently cut an institution's subsidy.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from yigai.assess.model import (
    AtTarget,
    Direction,
    Entered,
    Item,
    Linear,
    Penalty,
    ThresholdBands,
)

POINTS_QUANTUM = Decimal("0.01")
ZERO = Decimal(0)


class Status(StrEnum):
    """How an item's points came about."""

    SCORED = "scored"  # 按规则计分
    MISSING = "missing"  # 无数据，按 0 分计
    TARGET_NOT_ABOVE_BASELINE = "target_not_above_baseline"  # 目标不优于基线，按达标计分


@dataclass(frozen=True)
class Points:
    """The outcome of one rule on one value, before any wording."""

    points: Decimal
    status: Status
    band: Decimal | None = None  # the band bound reached (threshold_bands)
    zero_at: Decimal | None = None  # where linear scoring starts (baseline or floor)


def round_points(x: Decimal) -> Decimal:
    """Points to 2 decimals, half up (四舍五入到0.01分)."""
    return x.quantize(POINTS_QUANTUM, rounding=ROUND_HALF_UP)


def better_or_equal(a: Decimal, b: Decimal, direction: Direction) -> bool:
    """True when ``a`` is at least as good as ``b`` in the item's direction."""
    return a >= b if direction is Direction.HIGHER else a <= b


def at_target(value: Decimal, target: Decimal, weight: Decimal, direction: Direction) -> Decimal:
    """达标得满分: the weight when the value reaches the target, else 0."""
    return round_points(weight) if better_or_equal(value, target, direction) else ZERO


def linear(
    value: Decimal, zero_at: Decimal, target: Decimal, weight: Decimal, direction: Direction
) -> Decimal:
    """线性计分: weight × (value − zero) ÷ (target − zero), clipped to [0, weight].

    The sign of (target − zero) carries the direction: for a lower-is-better item the target
    is below the zero point and both differences are negative. The caller guarantees the
    target is strictly better than the zero point.
    """
    share = (value - zero_at) / (target - zero_at)
    share = min(max(share, ZERO), Decimal(1))
    return round_points(weight * share)


def banded(
    value: Decimal, rule: ThresholdBands, direction: Direction
) -> tuple[Decimal, Decimal | None]:
    """分档计分: the points of the best band reached and that band's bound (None if none)."""
    best: tuple[Decimal, Decimal | None] = (ZERO, None)
    for band in rule.bands:
        if better_or_equal(value, band.reach, direction) and band.points >= best[0]:
            best = (band.points, band.reach)
    return round_points(best[0]), best[1]


def penalty(occurrences: Decimal, rule: Penalty, weight: Decimal) -> Decimal:
    """扣分: weight − per_occurrence × occurrences, not below the rule's minimum."""
    return round_points(max(weight - rule.per_occurrence * occurrences, rule.minimum))


def score(
    item: Item, value: Decimal | None, target: Decimal | None, baseline: Decimal | None
) -> Points:
    """Points for one item. ``target`` / ``baseline`` must be present when the rule needs them."""
    if value is None:
        return Points(ZERO, Status.MISSING)
    rule = item.rule
    if isinstance(rule, Entered):
        return Points(round_points(value), Status.SCORED)
    if isinstance(rule, Penalty):
        return Points(penalty(value, rule, item.weight), Status.SCORED)
    if isinstance(rule, ThresholdBands):
        pts, band = banded(value, rule, item.direction)
        return Points(pts, Status.SCORED, band=band)
    if target is None:
        raise ValueError(f"item {item.id} needs a target")
    if isinstance(rule, AtTarget):
        return Points(at_target(value, target, item.weight, item.direction), Status.SCORED)
    if isinstance(rule, Linear):
        zero_at = rule.floor if rule.floor is not None else baseline
        if zero_at is None:
            raise ValueError(f"item {item.id} needs a baseline or floor")
        if better_or_equal(zero_at, target, item.direction):
            # A target no better than the baseline leaves no line to draw; scoring it as
            # 达标/未达标 keeps full marks reachable and says so in the explanation.
            pts = at_target(value, target, item.weight, item.direction)
            return Points(pts, Status.TARGET_NOT_ABOVE_BASELINE, zero_at=zero_at)
        pts = linear(value, zero_at, target, item.weight, item.direction)
        return Points(pts, Status.SCORED, zero_at=zero_at)
    raise TypeError(f"unknown rule {rule!r}")  # pragma: no cover - the union is closed


def needs_target(item: Item) -> bool:
    return isinstance(item.rule, AtTarget | Linear)


def needs_baseline(item: Item) -> bool:
    return isinstance(item.rule, Linear) and item.rule.floor is None


def total(points: list[Decimal]) -> Decimal:
    """总分: the sum of rounded item points, not below 0."""
    return round_points(max(sum(points, ZERO), ZERO))

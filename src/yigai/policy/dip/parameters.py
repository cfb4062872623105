"""DIP parameters of a region in force on a date (按病种分值付费参数).

Every value comes from a dated file ``data/params/<region>/payment/dip_*.yaml`` read by
:mod:`yigai.policy.params`; each file's ``reference`` says where it comes from and its
``note`` marks working values not yet confirmed against a primary text. Tests and what-if
runs build variants with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from yigai.orgs.model import PolicyLevel
from yigai.policy.dip._common import required
from yigai.policy.params import parameters


@dataclass(frozen=True)
class DipParams:
    """The DIP rule's parameters for one settlement year.

    ``base_year_weights`` run oldest → latest (1:2:7); ``level_coefficients`` map a
    :class:`~yigai.orgs.model.PolicyLevel` code to its 等级系数.
    """

    core_case_threshold: int
    base_year_weights: tuple[Decimal, ...]
    points_scale: Decimal
    points_decimals: int
    point_value_decimals: int
    level_coefficients: Mapping[str, Decimal]
    low_cost_ratio: Decimal
    high_cost_ratio: Decimal
    high_cost_addend: Decimal
    review_ratio: Decimal
    reimbursement_ratio: Decimal
    withhold_share: Decimal

    def __post_init__(self) -> None:
        checks = (
            (
                self.core_case_threshold >= 1,
                "核心病种临界值至少为 1",
                "core threshold must be at least 1",
            ),
            (
                bool(self.base_year_weights)
                and all(w >= 0 for w in self.base_year_weights)
                and sum(self.base_year_weights) > 0,
                "基准年权重须为非负且不全为 0",
                "base-year weights must be non-negative and not all zero",
            ),
            (self.points_scale > 0, "分值倍数须为正", "points scale must be positive"),
            (
                self.low_cost_ratio < self.high_cost_ratio,
                "超低界限须小于超高界限",
                "low ratio must be below high ratio",
            ),
            (
                self.review_ratio >= self.high_cost_ratio,
                "评审界限不得低于超高界限",
                "review ratio must not be below high ratio",
            ),
            (
                0 < self.reimbursement_ratio <= 1,
                "报销比例须在 (0, 1]",
                "reimbursement ratio must be in (0, 1]",
            ),
            (
                0 <= self.withhold_share <= 1,
                "预留比例须在 [0, 1]",
                "withhold share must be in [0, 1]",
            ),
            (
                all(c > 0 for c in self.level_coefficients.values()),
                "等级系数须为正",
                "level coefficients must be positive",
            ),
        )
        for ok, zh, en in checks:
            if not ok:
                raise ValueError(f"DIP 参数无效：{zh} / invalid DIP parameters: {en}")

    @classmethod
    def load(cls, region: str, on: dt.date, *, root: Path | None = None) -> DipParams:
        """The parameters of ``region`` in force on ``on`` (use 1 January of the settlement year)."""
        values = parameters(region, on, root=root)

        def value(name: str) -> object:
            return required(values, f"payment.dip_{name}")

        weights = value("base_year_weights")
        levels = value("level_coefficients")
        return cls(
            core_case_threshold=value("core_case_threshold"),  # type: ignore[arg-type]
            base_year_weights=tuple(
                Decimal(weights[k])  # type: ignore[index]
                for k in ("oldest", "middle", "latest")
            ),
            points_scale=Decimal(value("points_scale")),  # type: ignore[arg-type]
            points_decimals=value("points_decimals"),  # type: ignore[arg-type]
            point_value_decimals=value("point_value_decimals"),  # type: ignore[arg-type]
            level_coefficients=MappingProxyType(
                {
                    level.value: Decimal(levels[level.value])  # type: ignore[index]
                    for level in PolicyLevel
                    if level.value in levels  # type: ignore[operator]
                }
            ),
            low_cost_ratio=Decimal(value("low_cost_ratio")),  # type: ignore[arg-type]
            high_cost_ratio=Decimal(value("high_cost_ratio")),  # type: ignore[arg-type]
            high_cost_addend=Decimal(value("high_cost_addend")),  # type: ignore[arg-type]
            review_ratio=Decimal(value("review_ratio")),  # type: ignore[arg-type]
            reimbursement_ratio=Decimal(value("reimbursement_ratio")),  # type: ignore[arg-type]
            withhold_share=Decimal(value("withhold_share")),  # type: ignore[arg-type]
        )

    def level_coefficient(self, level: str) -> Decimal:
        """等级系数 of ``level``; a bilingual error for a level without one."""
        try:
            return self.level_coefficients[level]
        except KeyError:
            raise ValueError(
                f"医疗机构级别 {level!r} 没有等级系数 / no level coefficient for level {level!r}"
            ) from None

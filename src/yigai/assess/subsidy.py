"""Money linked to assessment scores (补助经费发放与绩效考核相结合).

Source (seed 003, county summary of a county in 临汾市): "补助经费发放与绩效考核相结合，考核实行
百分制。基层医疗卫生机构考核结果分为合格和不合格两个等次。考核合格的，政府补助经费足额发放；
不合格的，按照比例核减。"

Formula chosen for "按照比例核减" (the seed does not spell it out):

    assessment factor  f = 1                          when the grade is passing (合格)
                       f = total ÷ full marks          when it is not (不合格)
    subsidy paid       = round_half_up(approved subsidy × f)      [fen]

so an institution scoring 55/100 receives 55% of its approved subsidy. Reading "in proportion
to the score" this way keeps the payment continuous in the score below the pass mark.

Village clinics (seed 003, 金安区): approved subsidy = amount × agricultural population ÷
per_population (8,000 yuan per 1,200 agricultural residents from the dated parameters;
12,000 proposed), rounded half up to the fen, then paid × f as above.

Staff rewards (seed 003, 金安区): staff reward = round_half_up(max(surplus, 0) × share), with
surplus = the institution's surplus over its approved budget (超出核定收支结余) in fen and share
= 50% (dated parameter). It is not tied to the grade: the seed ties it to the budget result.

Rounding: every amount is integer fen, rounded half up once from an exact Decimal product;
the paid amounts are computed from the rounded approved amounts, so each row reconciles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa

from yigai.assess.assessment import AssessmentResult, OrgAssessment
from yigai.assess.params import PARAM_DIR, load_parameter
from yigai.orgs.model import InstitutionType


def to_fen(x: Decimal) -> int:
    """A Decimal amount of fen to whole fen, half up (四舍五入到分)."""
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class SubsidyParams:
    """The parameter values in force for one assessment."""

    village_amount_fen: int
    village_per_population: int
    surplus_reward_share: Decimal

    @classmethod
    def at(cls, day: dt.date, *, proposed: bool = False, root: Path = PARAM_DIR) -> SubsidyParams:
        """Values in force on ``day``; ``proposed`` uses the proposed village-clinic amount."""
        amount = "amount_proposed" if proposed else "amount"
        return cls(
            village_amount_fen=int(
                load_parameter(f"village_clinic_subsidy.{amount}", root).at(day)
            ),
            village_per_population=int(
                load_parameter("village_clinic_subsidy.per_population", root).at(day)
            ),
            surplus_reward_share=load_parameter("surplus_reward_share", root).at(day),
        )


def factor(org: OrgAssessment, full_marks: Decimal) -> Decimal:
    """考核系数: 1 when passing, else total ÷ full marks (exact, not rounded)."""
    return Decimal(1) if org.passing else org.total / full_marks


def village_base_fen(agri_population: int, params: SubsidyParams) -> int:
    """村卫生室核定补助: amount × agricultural population ÷ per_population, half up to the fen."""
    return to_fen(
        Decimal(params.village_amount_fen) * agri_population / params.village_per_population
    )


def staff_reward_fen(surplus_fen: int, params: SubsidyParams) -> int:
    """结余奖励: the share of a positive surplus over the approved budget, half up to the fen."""
    return to_fen(Decimal(max(surplus_fen, 0)) * params.surplus_reward_share)


def subsidies(
    result: AssessmentResult,
    params: SubsidyParams | None = None,
    *,
    approved_fen: Mapping[str, int] | None = None,
    surplus_fen: Mapping[str, int] | None = None,
) -> pa.Table:
    """Subsidies and rewards per assessed unit, in fen.

    ``approved_fen``: each unit's approved government subsidy for the period (核定补助);
    ``surplus_fen``: each unit's surplus over its approved budget. Units absent from a mapping
    get nulls in the columns that need it. Village clinics with an agricultural population
    also get the village-clinic subsidy. ``params`` defaults to those in force on the period's
    last day.
    """
    params = params or SubsidyParams.at(result.period.end)
    approved_fen = approved_fen or {}
    surplus_fen = surplus_fen or {}
    for name, mapping in (("approved_fen", approved_fen), ("surplus_fen", surplus_fen)):
        for org_id, v in mapping.items():
            if not isinstance(v, int) or isinstance(v, bool):
                raise TypeError(
                    f"{name}[{org_id!r}] 须为整数分，实际为 {v!r} / {name}[{org_id!r}] must be "
                    f"integer fen, got {v!r}"
                )
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "org_id",
            "period_id",
            "total",
            "grade",
            "passing",
            "factor",
            "approved_fen",
            "paid_fen",
            "village_base_fen",
            "village_paid_fen",
            "surplus_fen",
            "staff_reward_fen",
            "why_zh",
            "why_en",
        )
    }
    full = result.scheme.full_marks
    for o in result.orgs:
        f = factor(o, full)
        approved = approved_fen.get(o.org_id)
        paid = None if approved is None else to_fen(Decimal(approved) * f)
        village = village_paid = None
        if o.inst_type == InstitutionType.VILLAGE_CLINIC.value and o.agri_population is not None:
            village = village_base_fen(o.agri_population, params)
            village_paid = to_fen(Decimal(village) * f)
        surplus = surplus_fen.get(o.org_id)
        reward = None if surplus is None else staff_reward_fen(surplus, params)
        if o.passing:
            zh = f"考核{o.grade}（{o.total:f} 分），补助足额发放"
            en = f"{o.grade_en} ({o.total:f} points): subsidy paid in full"
        else:
            zh = f"考核{o.grade}（{o.total:f}/{full:f} 分），补助按得分比例核减，发放 {f:.4%}"
            en = (
                f"{o.grade_en} ({o.total:f}/{full:f} points): subsidy reduced in proportion "
                f"to the score, {f:.4%} paid"
            )
        row = (
            o.org_id,
            result.period_id,
            o.total,
            o.grade,
            o.passing,
            f"{f:f}",
            approved,
            paid,
            village,
            village_paid,
            surplus,
            reward,
            zh,
            en,
        )
        for k, v in zip(cols, row, strict=True):
            cols[k].append(v)
    fen = pa.int64()
    types = {
        "total": pa.decimal128(9, 2),
        "passing": pa.bool_(),
        "approved_fen": fen,
        "paid_fen": fen,
        "village_base_fen": fen,
        "village_paid_fen": fen,
        "surplus_fen": fen,
        "staff_reward_fen": fen,
    }
    return pa.table({k: pa.array(v, types.get(k, pa.string())) for k, v in cols.items()})

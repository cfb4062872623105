"""Settlement inputs (结算输入, issue 15 §1): the figures the insurance bureau sets, never derived.

The fund available for DIP (``payment.dip_fund``, the pooling region's DIP fund for the year)
and each community's global budget (``payment.community_budgets``, community id → yuan) are
dated parameters in force on 1 January of the year; the capitation rate, the DIP withheld
share, the budget bands and the assessment withholding and release rule are too
(:data:`INPUT_PARAMETERS`). A missing input stops settlement before anything is written,
with a message naming the parameter, its file and (for a budget) the community.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from yigai.params import ParameterError
from yigai.policy.params import parameters


class SettlementError(ValueError):
    """A settlement run that cannot proceed; the message is Chinese first, then English."""


#: The dated settlement inputs the insurance bureau sets (issue 15 §1), by parameter name.
DIP_FUND = "payment.dip_fund"
COMMUNITY_BUDGETS = "payment.community_budgets"
INPUT_PARAMETERS = (
    DIP_FUND,
    COMMUNITY_BUDGETS,
    "payment.capitation_rate_per_resident",
    "payment.dip_withhold_share",
    "payment.budget_surplus_retention",
    "payment.budget_overrun_fund_share",
    "payment.assessment_withhold_share",
    "payment.assessment_release",
    "payment.staff_reward_share",
)


def settlement_input(region: str, year: int, name: str, root: Path | None) -> Any:
    """The bureau's input ``name`` in force on 1 January of ``year``; its absence stops the
    run with a message naming the parameter and its file."""
    try:
        return parameters(region, dt.date(year, 1, 1), root=root)[name]
    except ParameterError as exc:
        raise SettlementError(
            f"缺少 {year} 年结算输入 {name}（{exc.zh}，参数文件 {exc.file}），未结算 / "
            f"settlement input {name} for {year} is missing ({exc.en}, parameter file "
            f"{exc.file}): nothing settled"
        ) from None


def _communities_on(members: pa.Table, day: dt.date) -> set[str]:
    """Communities with at least one member on ``day`` (valid_from ≤ day < valid_to)."""
    return {
        r["community_id"]
        for r in members.select(["community_id", "valid_from", "valid_to"]).to_pylist()
        if r["valid_from"] <= day and (r["valid_to"] is None or day < r["valid_to"])
    }


def community_budgets_of(
    region: str,
    year: int,
    members: pa.Table,
    given: Mapping[str, int] | None,
    root: Path | None,
) -> dict[str, int]:
    """Each community's budget for ``year`` (``given`` or the dated parameter); a community
    with members on 1 January and no budget stops the run, naming it. The parameter may list
    communities of the whole pooling region: only those with members here are settled."""
    communities = _communities_on(members, dt.date(year, 1, 1))
    if given is None and not communities:
        return {}
    budgets = dict(
        settlement_input(region, year, COMMUNITY_BUDGETS, root) if given is None else given
    )
    missing = sorted(communities - set(budgets))
    if missing:
        raise SettlementError(
            f"缺少医共体 {missing[0]} 的 {year} 年总额预算（参数 {COMMUNITY_BUDGETS}），未结算 / "
            f"no {year} global budget for community {missing[0]} (parameter "
            f"{COMMUNITY_BUDGETS}): nothing settled"
        )
    return {community: budgets[community] for community in sorted(communities)}

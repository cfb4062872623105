"""The community-budget step of a settlement run (医共体总额付费, 结余留用、合理超支分担).

Community budgets are settled for every community with members on 1 January
(:func:`yigai.policy.budget.settle_community_budgets`), split to member institutions, with
the share withheld pending the annual assessment and released by the score
(:mod:`yigai.policy.assessment_release`) and the kept surplus's staff-reward part.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from yigai.policy.assessment_release import Release, ReleaseRule, release, staff_reward
from yigai.policy.budget import BudgetParams, settle_community_budgets


@dataclass(frozen=True)
class MemberShare:
    """A member institution's part of its community's budget settlement."""

    institution_id: str
    name: str
    key_value: int  # fund spending (fen) on the community's residents at this member
    settlement_fen: int


@dataclass(frozen=True)
class CommunityBudget:
    """One community's global-budget year (all money integer fen)."""

    community_id: str
    name: str
    budget_fen: int
    spending_fen: int  # basic fund paid on the community's residents, anywhere
    inside_fen: int  # … at member institutions
    outside_fen: int  # … elsewhere
    retained_fen: int  # surplus kept by the community (结余留用)
    returned_fen: int  # surplus returned to the fund
    fund_shared_fen: int  # overrun paid by the fund (合理超支分担)
    community_borne_fen: int  # overrun borne by the community
    members: tuple[MemberShare, ...]
    #: the share withheld pending the assessment and what the score released (None: the
    #: plan withholds nothing; :mod:`yigai.policy.assessment_release`)
    release: Release | None = None
    #: the kept surplus's staff-reward part (None: the plan sets no share)
    staff_reward_fen: int | None = None

    @property
    def balance_fen(self) -> int:
        """Budget − spending: surplus (+) or overrun (−)."""
        return self.budget_fen - self.spending_fen

    @property
    def settlement_fen(self) -> int:
        """What the community gains (+) or loses (−): retained − borne; split to members."""
        return self.retained_fen - self.community_borne_fen


def _spending_columns(claims: pa.Table) -> pa.Table:
    # The budget rule reads claims row by row; the columns it needs keep that cheap.
    return claims.select(["person_id", "institution_id", "fund_fen", "month"])


def community_budget_rows(
    year: int,
    region: str,
    claims: pa.Table,
    residents: pa.Table,
    members: pa.Table,
    names: Mapping[str, str],
    budgets: Mapping[str, int],
    root: Path | None,
) -> tuple[tuple[CommunityBudget, ...], dict[str, pa.Table]]:
    """Each community's budget year from ``claims`` and its member split (before release)."""
    params = BudgetParams.load(region, dt.date(year, 1, 1), root=root)
    communities, splits = settle_community_budgets(
        budgets, _spending_columns(claims), residents, members, year, params
    )
    by_community: dict[str, list[MemberShare]] = {}
    for r in splits.to_pylist():
        by_community.setdefault(r["community_id"], []).append(
            MemberShare(
                institution_id=r["institution_id"],
                name=names.get(r["institution_id"], r["institution_id"]),
                key_value=r["key_value"],
                settlement_fen=r["settlement_fen"],
            )
        )
    rows = tuple(
        CommunityBudget(
            community_id=r["community_id"],
            name=names.get(r["community_id"], r["community_id"]),
            budget_fen=r["budget_fen"],
            spending_fen=r["actual_fen"],
            inside_fen=r["inside_fen"],
            outside_fen=r["outside_fen"],
            retained_fen=r["retained_fen"],
            returned_fen=r["returned_fen"],
            fund_shared_fen=r["fund_shared_fen"],
            community_borne_fen=r["community_borne_fen"],
            members=tuple(by_community.get(r["community_id"], ())),
        )
        for r in communities.to_pylist()
    )
    return rows, {"budget_communities": communities, "budget_members": splits}


def assessed(
    row: CommunityBudget,
    rule: ReleaseRule | None,
    scores: Mapping[str, Decimal | None],
    region: str,
    year: int,
    root: Path | None,
) -> CommunityBudget:
    """``row`` with its assessment withholding and release and its staff-reward part."""
    score = scores.get(row.community_id)
    return dataclasses.replace(
        row,
        release=None if rule is None else release(row.budget_fen, score, rule),
        staff_reward_fen=staff_reward(row.retained_fen, region, year, root=root),
    )

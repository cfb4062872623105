"""医共体总额付费: the community's global budget, 结余留用、合理超支分担, and the split to members.

Sources:

- 《湛江市加强紧密型县域医疗卫生共同体建设实施方案》三（六）(seed 002): from 2020 遂溪
  pilots "总额付费、结余留用、合理超支分担", with the insurance bureau settling with the
  community as one unit (医保部门与县域医共体统一结算).
- 《哈尔滨市城镇基本医疗保险定点医疗机构服务协议书》（2017版）第三十五条: surplus retained
  in full for the next year (结余全部次年留用); overruns shared up to about 10% of the annual
  target in declining steps (按阶梯式递减分担补偿). Its steps are not stated, so the
  shipped overrun bands are working values (``budget_overrun_fund_share.yaml``).

Definitions (yigai working rules where the sources are silent):

- **Budget** (年度预算): given by the insurance bureau, or
  :func:`community_budget` = ``fen(base-year fund spending × (1 + growth_rate))``.
- **Actual spending** (实际支出): basic-fund payments (``fund_fen``) on the year's claims of
  the community's residents — residents whose home unit (``home_unit_id``) belongs to the
  community on 1 January of the year — wherever they were treated: inside the community,
  or outside it (referrals out and self-referred care count against the community).
- **Balance** = budget − actual. A surplus is cut into bands by its size as a share of the
  budget; the community keeps ``rate`` of the part in each band (``budget_surplus_retention``)
  and the rest returns to the fund. An overrun is cut the same way; the fund pays ``rate`` of
  the part in each band (``budget_overrun_fund_share``) and the community bears the rest.
  Retained and fund-shared amounts are rounded half up to the fen once, on the band sum.
- **Settlement** = retained − borne: what the community gains (+) or loses (−) on top of the
  claims already paid. The fund's total outlay is actual + retained − borne.
- **Split to members**: the settlement is divided among the community's member
  institutions (on 1 January) by a key — ``fund_spending`` (fund payments for the
  community's residents at that member) or ``workload`` (that member's number of those
  claims) — with the largest-remainder method, so the parts add up exactly.

API::

    params = BudgetParams.load("hebei_wuji", date(2024, 1, 1))
    budget = community_budget(base_spending_fen, params)
    one = settle_budget("C1", budget, actual_fen, params)                  # CommunitySettlement
    communities, members = settle_community_budgets(
        {"C1": budget}, claims, residents, community_members, 2024, params, split_key="workload")
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.policy.dip._common import (
    fen,
    fund_error,
    input_error,
    require_columns,
    required,
    split_fen,
)
from yigai.policy.params import parameters

Bands = tuple[tuple[Decimal, Decimal], ...]

COMMUNITY_SCHEMA = pa.schema(
    [
        ("community_id", pa.string()),
        ("budget_fen", pa.int64()),
        ("actual_fen", pa.int64()),
        ("inside_fen", pa.int64()),
        ("outside_fen", pa.int64()),
        ("balance_fen", pa.int64()),
        ("retained_fen", pa.int64()),
        ("returned_fen", pa.int64()),
        ("fund_shared_fen", pa.int64()),
        ("community_borne_fen", pa.int64()),
        ("settlement_fen", pa.int64()),
        ("fund_outlay_fen", pa.int64()),
    ]
)

MEMBER_SCHEMA = pa.schema(
    [
        ("community_id", pa.string()),
        ("institution_id", pa.string()),
        ("split_key", pa.string()),
        ("key_value", pa.int64()),
        ("settlement_fen", pa.int64()),
    ]
)


def _check_bands(bands: Bands, what: str) -> None:
    if not bands or bands[0][0] != 0:
        raise ValueError(f"{what} 第一档须从 0 开始 / {what}: the first band must start at 0")
    for i, (threshold, rate) in enumerate(bands):
        if not 0 <= rate <= 1:
            raise ValueError(
                f"{what} 第 {i + 1} 档比例须在 [0, 1] / {what}: band {i + 1} rate must be in [0, 1]"
            )
        if i and threshold <= bands[i - 1][0]:
            raise ValueError(f"{what} 档位须递增 / {what}: thresholds must increase")


@dataclass(frozen=True)
class BudgetParams:
    """Community budget rule: growth over base-year spending and the two band schedules."""

    growth_rate: Decimal
    surplus_retention: Bands
    overrun_fund_share: Bands

    def __post_init__(self) -> None:
        if self.growth_rate <= -1:
            raise ValueError("预算增长率须大于 −100% / growth rate must exceed −100%")
        _check_bands(self.surplus_retention, "结余留用 surplus retention")
        _check_bands(self.overrun_fund_share, "超支分担 overrun sharing")

    @classmethod
    def load(cls, region: str, on: dt.date, *, root: Path | None = None) -> BudgetParams:
        """The rule of ``region`` in force on ``on`` (use 1 January of the settlement year)."""
        values = parameters(region, on, root=root)

        def bands(name: str) -> Bands:
            return tuple(
                (Decimal(b.threshold_fen), Decimal(b.rate)) for b in required(values, name)
            )

        return cls(
            growth_rate=Decimal(required(values, "payment.budget_growth_rate")),
            surplus_retention=bands("payment.budget_surplus_retention"),
            overrun_fund_share=bands("payment.budget_overrun_fund_share"),
        )


def community_budget(base_spending_fen: int, params: BudgetParams) -> int:
    """Annual budget from base-year fund spending: ``fen(base × (1 + growth_rate))``."""
    if base_spending_fen < 0:
        raise ValueError("基准年支出不能为负 / base-year spending must not be negative")
    return fen(Decimal(base_spending_fen) * (1 + params.growth_rate))


def banded(amount: int, budget: int, bands: Bands) -> Decimal:
    """Σ over bands of (part of ``amount`` in the band) × band rate; bands are shares of ``budget``."""
    total = Decimal(0)
    for i, (threshold, rate) in enumerate(bands):
        low = threshold * budget
        high = bands[i + 1][0] * budget if i + 1 < len(bands) else None
        top = Decimal(amount) if high is None else min(Decimal(amount), high)
        if top > low:
            total += (top - low) * rate
    return total


@dataclass(frozen=True)
class CommunitySettlement:
    """Year-end settlement of one community's budget (all amounts integer fen)."""

    community_id: str
    budget_fen: int
    actual_fen: int
    retained_fen: int  # surplus kept by the community
    returned_fen: int  # surplus returned to the fund
    fund_shared_fen: int  # overrun paid by the fund
    community_borne_fen: int  # overrun borne by the community

    @property
    def balance_fen(self) -> int:
        """Budget − actual: positive is a surplus (结余), negative an overrun (超支)."""
        return self.budget_fen - self.actual_fen

    @property
    def settlement_fen(self) -> int:
        """Gain (+) or loss (−) of the community on top of the claims already paid."""
        return self.retained_fen - self.community_borne_fen

    @property
    def fund_outlay_fen(self) -> int:
        """What the fund spends in total for the community's residents."""
        return self.actual_fen + self.settlement_fen


def settle_budget(
    community_id: str, budget_fen: int, actual_fen: int, params: BudgetParams
) -> CommunitySettlement:
    """Apply 结余留用、合理超支分担 to one community's year."""
    if budget_fen < 0 or actual_fen < 0:
        raise ValueError(
            f"医共体 {community_id}：预算和支出不能为负 / budget and spending must not be negative"
        )
    balance = budget_fen - actual_fen
    surplus, overrun = max(balance, 0), max(-balance, 0)
    retained = fen(banded(surplus, budget_fen, params.surplus_retention))
    shared = fen(banded(overrun, budget_fen, params.overrun_fund_share))
    return CommunitySettlement(
        community_id=community_id,
        budget_fen=budget_fen,
        actual_fen=actual_fen,
        retained_fen=retained,
        returned_fen=surplus - retained,
        fund_shared_fen=shared,
        community_borne_fen=overrun - shared,
    )


def _membership(members: pa.Table, day: dt.date) -> dict[str, str]:
    """institution → community on ``day`` (joined on or before, not yet left)."""
    require_columns(members, "community_members", ("community_id", "institution_id", "valid_from"))
    out: dict[str, str] = {}
    for index, row in enumerate(members.to_pylist()):
        left = row.get("valid_to")
        if row["valid_from"] <= day and (left is None or left > day):
            if row["institution_id"] in out and out[row["institution_id"]] != row["community_id"]:
                raise input_error(
                    "community_members",
                    "institution_id",
                    "同一天属于两个医共体",
                    "in two communities on one day",
                    index + 1,
                )
            out[row["institution_id"]] = row["community_id"]
    return out


def resident_spending(
    claims: pa.Table, residents: pa.Table, members: pa.Table, year: int
) -> dict[str, dict[str, list[int]]]:
    """community → provider institution → [fund_fen, claims] for the community's residents' claims.

    Column by column (Arrow), not row by row: a county-year has half a million claims. The
    first claim of the year, in row order, with a negative or missing fund payment or an
    unknown person is refused, naming its row."""
    require_columns(claims, "claims", ("person_id", "institution_id", "fund_fen"))
    require_columns(residents, "residents", ("person_id", "home_unit_id"))
    membership = _membership(members, dt.date(year, 1, 1))
    in_year = pc.equal(pc.divide(_months(claims), 100), year).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(in_year)
    claims = claims.select(["person_id", "institution_id", "fund_fen"])
    if rows.size != claims.num_rows:  # a settlement's claims are all of the year: no copy
        claims = claims.take(pa.array(rows))
    _check_spending_rows(claims, residents, rows)
    # each claim's community: its person's home unit's on 1 January (none: not budgeted)
    units = pa.table(
        {
            "home_unit_id": pa.array(list(membership), pa.string()),
            "community": pa.array(list(membership.values()), pa.string()),
        }
    )
    homes = residents.select(["person_id", "home_unit_id"]).join(
        units, "home_unit_id", join_type="inner"
    )
    at = pc.index_in(claims["person_id"], value_set=homes["person_id"])
    claims = claims.append_column("community", homes["community"].take(at))
    # claims of persons in no community fall in the null community's groups, left out
    # below (grouping them is cheaper than copying the others out of a year's claims)
    sums = claims.group_by(["community", "institution_id"]).aggregate(
        [("fund_fen", "sum"), ("fund_fen", "count")]
    )
    spending: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in sums.to_pylist():
        if r["community"] is not None:
            spending[r["community"]][r["institution_id"]] = [
                r["fund_fen_sum"],
                r["fund_fen_count"],
            ]
    return spending


def _check_spending_rows(claims: pa.Table, residents: pa.Table, rows: np.ndarray) -> None:
    """Refuse the first claim (``rows``: their rows in the input) whose fund payment is not
    whole non-negative fen, or whose person is not registered."""
    fund = claims["fund_fen"]
    if not pa.types.is_integer(fund.type):
        bad_fund = pa.chunked_array([pa.array(np.ones(claims.num_rows, dtype=bool))])
    else:
        bad_fund = pc.fill_null(pc.less(fund, 0), True)
    unknown = pc.invert(pc.is_in(claims["person_id"], value_set=residents["person_id"]))
    bad = pc.or_(bad_fund, unknown).to_numpy(zero_copy_only=False)
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    if bad_fund[first].as_py():
        raise fund_error(int(rows[first]) + 1)
    raise input_error(
        "claims",
        "person_id",
        "居民不在居民登记中",
        "person not in the residents register",
        int(rows[first]) + 1,
    )


def _months(claims: pa.Table) -> pa.ChunkedArray:
    """Each claim's ``yyyymm`` (:func:`yigai.policy.dip._common.event_month`): its ``month``,
    else from its ``event_date``; a claim with neither is refused, naming its row."""
    n = claims.num_rows
    month = claims["month"] if "month" in claims.column_names else pa.nulls(n, pa.int64())
    month = month.cast(pa.int64())
    if "event_date" in claims.column_names and pa.types.is_temporal(claims["event_date"].type):
        dates = claims["event_date"]
        derived = pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates)).cast(pa.int64())
        month = pc.coalesce(month, derived)
    if month.null_count:
        first = int(np.flatnonzero(pc.is_null(month).to_numpy(zero_copy_only=False))[0])
        raise input_error(
            "claims", "event_date", "缺少统计日期", "statistics date missing", first + 1
        )
    return month


def settle_community_budgets(
    budgets: Mapping[str, int],
    claims: pa.Table,
    residents: pa.Table,
    members: pa.Table,
    year: int,
    params: BudgetParams,
    *,
    split_key: Literal["fund_spending", "workload"] = "fund_spending",
) -> tuple[pa.Table, pa.Table]:
    """Settle every community's year and split each settlement among its members.

    Returns ``(communities, members)`` tables (:data:`COMMUNITY_SCHEMA`,
    :data:`MEMBER_SCHEMA`). A community with claims but no budget is an error.
    """
    if split_key not in ("fund_spending", "workload"):
        raise ValueError(f"未知的分配依据 {split_key!r} / unknown split key {split_key!r}")
    spending = resident_spending(claims, residents, members, year)
    missing = sorted(set(spending) - set(budgets))
    if missing:
        raise ValueError(f"医共体 {missing[0]} 没有年度预算 / community {missing[0]} has no budget")
    membership = _membership(members, dt.date(year, 1, 1))
    roster: dict[str, list[str]] = defaultdict(list)
    for institution, community in membership.items():
        roster[community].append(institution)
    communities: dict[str, list[object]] = {name: [] for name in COMMUNITY_SCHEMA.names}
    splits: dict[str, list[object]] = {name: [] for name in MEMBER_SCHEMA.names}
    for community in sorted(budgets):
        by_provider = spending.get(community, {})
        inside_members = set(roster[community])
        inside = sum(v[0] for k, v in by_provider.items() if k in inside_members)
        actual = sum(v[0] for v in by_provider.values())
        result = settle_budget(community, budgets[community], actual, params)
        for name, value in (
            ("community_id", community),
            ("budget_fen", result.budget_fen),
            ("actual_fen", actual),
            ("inside_fen", inside),
            ("outside_fen", actual - inside),
            ("balance_fen", result.balance_fen),
            ("retained_fen", result.retained_fen),
            ("returned_fen", result.returned_fen),
            ("fund_shared_fen", result.fund_shared_fen),
            ("community_borne_fen", result.community_borne_fen),
            ("settlement_fen", result.settlement_fen),
            ("fund_outlay_fen", result.fund_outlay_fen),
        ):
            communities[name].append(value)
        if not inside_members:
            if result.settlement_fen:
                raise ValueError(
                    f"医共体 {community} 没有成员机构 / community {community} has no members"
                )
            continue
        column = 0 if split_key == "fund_spending" else 1
        keys = {m: by_provider.get(m, [0, 0])[column] for m in inside_members}
        for institution, amount in sorted(split_fen(result.settlement_fen, keys).items()):
            for name, value in (
                ("community_id", community),
                ("institution_id", institution),
                ("split_key", split_key),
                ("key_value", keys[institution]),
                ("settlement_fen", amount),
            ):
                splits[name].append(value)
    return pa.table(communities, schema=COMMUNITY_SCHEMA), pa.table(splits, schema=MEMBER_SCHEMA)

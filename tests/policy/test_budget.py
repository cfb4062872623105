"""医共体总额付费: budget, 结余留用、合理超支分担, spending attribution and the member split."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.policy.budget import (
    BudgetParams,
    community_budget,
    settle_budget,
    settle_community_budgets,
)
from yigai.policy.dip import PaymentInputError
from yigai.policy.dip._common import split_fen

D = dt.date

#: Surplus ≤ 5% of budget kept in full, above kept 60%; overrun ≤ 5% fund pays 70%, 5–10% 50%, above 0.
PARAMS = BudgetParams(
    growth_rate=Decimal("0.05"),
    surplus_retention=((Decimal(0), Decimal(1)), (Decimal("0.05"), Decimal("0.6"))),
    overrun_fund_share=(
        (Decimal(0), Decimal("0.7")),
        (Decimal("0.05"), Decimal("0.5")),
        (Decimal("0.1"), Decimal(0)),
    ),
)


def test_budget_grows_base_year_spending() -> None:
    """1000000 × 1.05 = 1050000; 333 × 1.05 = 349.65 → 350 (half up)."""
    assert community_budget(1_000_000, PARAMS) == 1_050_000
    assert community_budget(333, PARAMS) == 350


def test_surplus_is_retained_band_by_band() -> None:
    """Budget 1000000, actual 920000: surplus 80000 (8%). 50000 × 100% + 30000 × 60% = 68000 kept,
    12000 returned to the fund (bands as in the module docstring; Harbin 2017 协议 第三十五条 shape).
    """
    result = settle_budget("C1", 1_000_000, 920_000, PARAMS)
    assert (result.retained_fen, result.returned_fen) == (68_000, 12_000)
    assert (result.fund_shared_fen, result.community_borne_fen) == (0, 0)
    assert result.settlement_fen == 68_000
    assert result.fund_outlay_fen == 988_000


def test_overrun_is_shared_band_by_band() -> None:
    """Budget 1000000, actual 1130000: overrun 130000 (13%). Fund: 50000 × 70% + 50000 × 50% +
    30000 × 0 = 60000; community bears 70000; the fund's outlay is budget + 60000.
    """
    result = settle_budget("C1", 1_000_000, 1_130_000, PARAMS)
    assert (result.fund_shared_fen, result.community_borne_fen) == (60_000, 70_000)
    assert result.settlement_fen == -70_000
    assert result.fund_outlay_fen == 1_060_000


def test_shipped_rule_keeps_the_whole_surplus() -> None:
    """Harbin 2017 协议 第三十五条: 结余全部次年留用 (the shipped surplus schedule)."""
    shipped = BudgetParams.load("hebei_wuji", D(2024, 1, 1))
    assert settle_budget("C1", 1_000_000, 700_000, shipped).retained_fen == 300_000


def test_shared_overrun_rounds_half_up_once() -> None:
    """Overrun 5 fen at 50%: 2.5 → 3 fen paid by the fund, 2 borne."""
    params = dataclasses.replace(PARAMS, overrun_fund_share=((Decimal(0), Decimal("0.5")),))
    result = settle_budget("C1", 1_000, 1_005, params)
    assert (result.fund_shared_fen, result.community_borne_fen) == (3, 2)


def test_bands_must_start_at_zero_and_rates_stay_within_one() -> None:
    with pytest.raises(ValueError, match="start at 0"):
        dataclasses.replace(PARAMS, surplus_retention=((Decimal("0.1"), Decimal(1)),))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        dataclasses.replace(PARAMS, overrun_fund_share=((Decimal(0), Decimal("1.5")),))


def test_split_is_exact_with_largest_remainders() -> None:
    """10 fen in three equal parts: 3.33 each → floors 3/3/3, the spare fen to the first key."""
    assert split_fen(10, {"b": 1, "a": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert split_fen(-10, {"a": 1, "b": 1, "c": 1}) == {"a": -4, "b": -3, "c": -3}
    assert split_fen(7, {"a": 0, "b": 0}) == {"a": 4, "b": 3}


# ---------------------------------------------------------------- whole-year settlement

MEMBERS = pa.table(
    {
        "community_id": ["C1", "C1"],
        "institution_id": ["H1", "T1"],
        "role": ["lead", "member"],
        "valid_from": pa.array([D(2020, 1, 1), D(2020, 1, 1)], pa.date32()),
        "valid_to": pa.array([None, None], pa.date32()),
    }
)
RESIDENTS = pa.table({"person_id": ["p1", "p2", "p3"], "home_unit_id": ["T1", "T1", "V9"]})
CLAIMS = pa.table(
    {
        "person_id": ["p1", "p1", "p2", "p3", "p2"],
        "institution_id": ["T1", "H1", "X", "H1", "T1"],
        "event_date": pa.array(
            [D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1), D(2024, 5, 1), D(2023, 12, 1)],
            pa.date32(),
        ),
        "fund_fen": pa.array([100_000, 300_000, 500_000, 999, 7], pa.int64()),
    }
)


def test_referrals_out_count_against_the_community() -> None:
    """C1's residents p1, p2 (home T1): 100000 at T1 + 300000 at H1 inside, 500000 at X outside.
    p3 lives outside any community; the 2023 claim is another year.
    """
    communities, _ = settle_community_budgets(
        {"C1": 1_000_000}, CLAIMS, RESIDENTS, MEMBERS, 2024, PARAMS
    )
    row = communities.to_pylist()[0]
    assert (row["actual_fen"], row["inside_fen"], row["outside_fen"]) == (900_000, 400_000, 500_000)
    assert row["retained_fen"] == 50_000 + 30_000  # surplus 100000 = 10%: 50000 × 1 + 50000 × 0.6


def test_settlement_is_split_by_fund_spending_at_members() -> None:
    """80000 retained split 300000 : 100000 → H1 60000, T1 20000."""
    _, members = settle_community_budgets(
        {"C1": 1_000_000}, CLAIMS, RESIDENTS, MEMBERS, 2024, PARAMS
    )
    assert {r["institution_id"]: r["settlement_fen"] for r in members.to_pylist()} == {
        "H1": 60_000,
        "T1": 20_000,
    }


def test_settlement_can_be_split_by_workload() -> None:
    """One claim each at H1 and T1 → 40000 each."""
    _, members = settle_community_budgets(
        {"C1": 1_000_000}, CLAIMS, RESIDENTS, MEMBERS, 2024, PARAMS, split_key="workload"
    )
    assert {r["institution_id"]: r["settlement_fen"] for r in members.to_pylist()} == {
        "H1": 40_000,
        "T1": 40_000,
    }


def test_community_with_spending_but_no_budget_is_rejected() -> None:
    with pytest.raises(ValueError, match="C1 has no budget"):
        settle_community_budgets({}, CLAIMS, RESIDENTS, MEMBERS, 2024, PARAMS)


def test_claim_of_an_unknown_person_names_the_row() -> None:
    claims = CLAIMS.slice(0, 1).set_column(0, "person_id", pa.array(["nobody"]))
    with pytest.raises(PaymentInputError, match="claims 第 1 行 列 person_id"):
        settle_community_budgets({"C1": 1}, claims, RESIDENTS, MEMBERS, 2024, PARAMS)


@settings(max_examples=200, deadline=None)
@given(budget=st.integers(0, 10**10), actual=st.integers(0, 10**10))
def test_surplus_and_overrun_parts_are_consistent(budget: int, actual: int) -> None:
    """Invariants: retained + returned = surplus, shared + borne = overrun, never both a surplus
    and an overrun, every part between 0 and its whole, outlay = actual + settlement.
    """
    result = settle_budget("C", budget, actual, PARAMS)
    surplus, overrun = max(budget - actual, 0), max(actual - budget, 0)
    assert result.retained_fen + result.returned_fen == surplus
    assert result.fund_shared_fen + result.community_borne_fen == overrun
    assert 0 <= result.retained_fen <= surplus and 0 <= result.fund_shared_fen <= overrun
    assert surplus == 0 or overrun == 0
    assert (result.settlement_fen >= 0) == (actual <= budget) or result.settlement_fen == 0
    assert result.fund_outlay_fen == actual + result.settlement_fen


@settings(max_examples=100, deadline=None)
@given(budget=st.integers(1, 10**9), actual=st.integers(0, 10**9), more=st.integers(1, 10**6))
def test_spending_more_never_raises_the_settlement(budget: int, actual: int, more: int) -> None:
    assert (
        settle_budget("C", budget, actual + more, PARAMS).settlement_fen
        <= settle_budget("C", budget, actual, PARAMS).settlement_fen
    )


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(-(10**9), 10**9),
    weights=st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3), st.integers(0, 10**6), min_size=1, max_size=8
    ),
)
def test_split_parts_add_up_and_stay_within_a_fen(total: int, weights: dict[str, int]) -> None:
    parts = split_fen(total, weights)
    assert sum(parts.values()) == total
    denominator = sum(weights.values()) or len(weights)
    for key, part in parts.items():
        share = Decimal(weights[key] if sum(weights.values()) else 1) / denominator
        assert abs(Decimal(part) - Decimal(total) * share) < 1


def test_negative_fund_names_its_row_after_claims_of_another_year() -> None:
    """Rows are numbered in the input, other years' claims (row 5: 2023) counted too."""
    fund = pa.array([100_000, 300_000, 500_000, 999, 7, -1], pa.int64())
    claims = pa.concat_tables([CLAIMS, CLAIMS.slice(0, 1)]).set_column(3, "fund_fen", fund)
    with pytest.raises(PaymentInputError, match="claims 第 6 行 列 fund_fen"):
        settle_community_budgets({"C1": 1}, claims, RESIDENTS, MEMBERS, 2024, PARAMS)

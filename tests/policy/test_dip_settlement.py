"""DIP scoring, point values, monthly pre-settlement and year-end settlement.

The worked example is hand-computed in the docstrings; its catalogue is the one of
``test_dip_catalogue.py`` (RW: K35.8+47.09 = 1.6406, I10 = 0.4590, J18 therapeutic = 0.9549;
county same-level means 180000 / 50000 / 100000 fen, township I10 mean 50000 fen).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yigai.policy.dip import (
    DipParams,
    PaymentInputError,
    budget_point_value,
    build_catalogue,
    monthly_presettlement,
    score_cases,
    settle_year,
    settlement_point_value,
)
from yigai.policy.dip._common import fen

from .dip_cases import BASE, cases_table

D = dt.date

YEAR = [
    ("e1", "H1", "county", D(2024, 1, 10), "K35.8", "47.09", 180000),
    ("e2", "H1", "county", D(2024, 1, 20), "K35.8", "47.09", 80000),
    ("e3", "H1", "county", D(2024, 2, 10), "K35.8", "47.09", 540000),
    ("e4", "H1", "county", D(2024, 2, 20), "K35.8", "47.09", 990000),
    ("e5", "T1", "township", D(2024, 1, 15), "I10", None, 50000),
    ("e6", "H1", "county", D(2024, 2, 15), "J18.9", "96.04", 100000),
    ("e7", "H1", "county", D(2024, 3, 15), "Z00.0", None, 50000),
]

CLAIMS = pa.table(
    {
        "encounter_id": ["e1", "e2", "e3", "e4", "e5", "e6", "e7"],
        "fund_fen": pa.array([120000, 50000, 400000, 700000, 40000, 70000, 30000], pa.int64()),
    }
)


@pytest.fixture(scope="module")
def params() -> DipParams:
    """Threshold 2 and a township coefficient of 0.8 so the example exercises both."""
    loaded = DipParams.load("hebei_wuji", D(2024, 1, 1))
    return dataclasses.replace(
        loaded,
        core_case_threshold=2,
        level_coefficients={"county": Decimal(1), "township": Decimal("0.8")},
    )


@pytest.fixture(scope="module")
def scored(params: DipParams) -> pa.Table:
    catalogue = build_catalogue(cases_table(BASE), params)
    return score_cases(cases_table(YEAR), catalogue, params, claims=CLAIMS)


def _by_case(scored: pa.Table) -> dict[str, dict]:
    return {r["encounter_id"]: r for r in scored.to_pylist()}


def test_case_at_the_group_mean_gets_the_group_points(scored: pa.Table) -> None:
    """e1 costs 180000 = the county mean: ratio 1, points = RW 1.6406 × 1 × county 1."""
    row = _by_case(scored)["e1"]
    assert (row["case_type"], row["points"], row["review"]) == ("normal", Decimal("1.6406"), False)


def test_low_cost_case_is_paid_in_proportion(scored: pa.Table) -> None:
    """DIP 技术规范 费用超低: e2 80000 ÷ 180000 = 0.4444 < 0.5 → 1.6406 × 0.4444 = 0.72908 → 0.7291."""
    row = _by_case(scored)["e2"]
    assert row["case_type"] == "low"
    assert row["outlier_coefficient"] == Decimal("0.4444")
    assert row["points"] == Decimal("0.7291")


def test_high_cost_case_uses_ratio_minus_two_plus_one(scored: pa.Table) -> None:
    """DIP 技术规范 费用超高: e3 540000 ÷ 180000 = 3 → (3 − 2) + 1 = 2 → 3.2812."""
    row = _by_case(scored)["e3"]
    assert (row["case_type"], row["outlier_coefficient"], row["points"]) == (
        "high",
        Decimal(2),
        Decimal("3.2812"),
    )
    assert row["review"] is False


def test_case_above_five_times_the_mean_goes_to_review(scored: pa.Table) -> None:
    """DIP 技术规范 极端异常: e4 990000 ÷ 180000 = 5.5 > 5 → review; coefficient 4.5 → 7.3827."""
    row = _by_case(scored)["e4"]
    assert row["review"] is True
    assert row["points"] == Decimal("7.3827")


# K35.8+47.09 at a county hospital: mean 180000 fen, RW 1.6406, county coefficient 1. Each
# outlier limit (hebei_wuji, DIP 技术规范: low 50%, high 200%, review 500%) is hit exactly and
# missed by one fen either side; a limit is exclusive, so the case exactly on it is not an outlier.
# (cost fen, case type, outlier coefficient, points, review), hand-computed:
BOUNDARY_CASES = [
    # 89999 ÷ 180000 = 0.499994… < 0.5 → low; coefficient 0.4999944 → 0.5000; 1.6406 × 0.5
    (89999, "low", Decimal("0.5"), Decimal("0.8203"), False),
    (90000, "normal", Decimal(1), Decimal("1.6406"), False),  # exactly 50%: not low
    (90001, "normal", Decimal(1), Decimal("1.6406"), False),
    (359999, "normal", Decimal(1), Decimal("1.6406"), False),
    (360000, "normal", Decimal(1), Decimal("1.6406"), False),  # exactly 200%: not high
    # 360001 ÷ 180000 = 2.0000056 > 2 → high; (2.0000056 − 2) + 1 → 1.0000
    (360001, "high", Decimal(1), Decimal("1.6406"), False),
    # 899999 ÷ 180000 = 4.999994 → (r − 2) + 1 = 3.999994 → 4.0000; 1.6406 × 4 = 6.5624
    (899999, "high", Decimal(4), Decimal("6.5624"), False),
    (900000, "high", Decimal(4), Decimal("6.5624"), False),  # exactly 500%: not for review
    (900001, "high", Decimal(4), Decimal("6.5624"), True),
]


@pytest.mark.parametrize(("cost", "case_type", "coefficient", "points", "review"), BOUNDARY_CASES)
def test_outlier_limits_are_exclusive_to_the_fen(
    params: DipParams,
    cost: int,
    case_type: str,
    coefficient: Decimal,
    points: Decimal,
    review: bool,
) -> None:
    assert (params.low_cost_ratio, params.high_cost_ratio, params.review_ratio) == (
        Decimal("0.5"),
        Decimal(2),
        Decimal(5),
    )
    catalogue = build_catalogue(cases_table(BASE), params)
    case = cases_table([("x", "H1", "county", D(2024, 6, 1), "K35.8", "47.09", cost)])
    (row,) = score_cases(case, catalogue, params).to_pylist()
    assert row["reference_mean_fen"] == Decimal(180000)
    assert (row["case_type"], row["outlier_coefficient"], row["points"], row["review"]) == (
        case_type,
        coefficient,
        points,
        review,
    )


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("0.5", 1), ("2.5", 3), ("-0.5", -1), ("-2.5", -3), ("2.4999", 2)],
)
def test_fen_rounds_half_away_from_zero(amount: str, expected: int) -> None:
    """0.5 → 1 and 2.5 → 3 (banker's rounding: 0 and 2); a negative month's −2.5 → −3."""
    assert fen(Decimal(amount)) == expected


def test_level_coefficient_multiplies_the_points(scored: pa.Table) -> None:
    """e5 (township, I10 at the township mean): 0.4590 × 0.8 = 0.3672."""
    assert _by_case(scored)["e5"]["points"] == Decimal("0.3672")


def test_uncatalogued_case_scores_nothing_and_is_reviewed(scored: pa.Table) -> None:
    row = _by_case(scored)["e7"]
    assert (row["case_type"], row["group_id"], row["points"], row["review"]) == (
        "ungrouped",
        None,
        Decimal(0),
        True,
    )


def test_other_paid_is_cost_minus_fund(scored: pa.Table) -> None:
    assert _by_case(scored)["e4"]["other_paid_fen"] == 990000 - 700000


def test_auxiliary_coefficient_multiplies_the_points(params: DipParams) -> None:
    """辅助目录系数 1.1 on e1: 1.6406 × 1.1 = 1.80466 → 1.8047."""
    catalogue = build_catalogue(cases_table(BASE), params)
    table = cases_table(YEAR[:1]).append_column("aux_coefficient", pa.array(["1.1"]))
    assert score_cases(table, catalogue, params).column("points")[0].as_py() == Decimal("1.8047")


def test_settlement_point_value_divides_fund_by_ratio_and_points(params: DipParams) -> None:
    """结算点值 = (1076678 ÷ 0.75) ÷ 14.3557 = 1435570.667 ÷ 14.3557 = 100000.04644 → 100000.0464."""
    assert settlement_point_value(1076678, Decimal("14.3557"), params) == Decimal("100000.0464")


def test_year_end_settlement_per_institution(params: DipParams, scored: pa.Table) -> None:
    """H1 points 13.9885 × 100000.0464 = 1398850.65 → 1398851; patients/others paid 550000 on its
    five grouped cases (e7, ungrouped, is left to review); fund due 848851.
    T1: 0.3672 × 100000.0464 = 36720.02 → 36720; others 10000; fund due 26720.
    """
    settled = {r["institution_id"]: r for r in settle_year(scored, 1076678, params).to_pylist()}
    h1, t1 = settled["H1"], settled["T1"]
    assert (h1["points"], h1["gross_fen"], h1["other_paid_fen"], h1["fund_due_fen"]) == (
        Decimal("13.9885"),
        1398851,
        550000,
        848851,
    )
    assert (h1["cases"], h1["review_cases"]) == (5, 2)
    assert (t1["gross_fen"], t1["fund_due_fen"], t1["review_cases"]) == (36720, 26720, 0)
    assert h1["year_end_fen"] == h1["fund_due_fen"]  # nothing advanced


def test_monthly_presettlement_withholds_a_share(params: DipParams, scored: pa.Table) -> None:
    """H1 January: (1.6406 + 0.7291) × 103160.5605 = 244459.58 → 244460; others 90000;
    due 154460; withheld 5% = 7723; advance 146737.
    """
    catalogue = build_catalogue(cases_table(BASE), params)
    months = monthly_presettlement(scored, budget_point_value(catalogue, params), params)
    january = {(r["institution_id"], r["month"]): r for r in months.to_pylist()}[("H1", 202401)]
    assert (
        january["gross_fen"],
        january["due_fen"],
        january["withheld_fen"],
        january["advance_fen"],
    ) == (244460, 154460, 7723, 146737)


def test_ungrouped_cases_are_left_out_of_the_months(params: DipParams, scored: pa.Table) -> None:
    """H1 March holds only the ungrouped e7: no pre-settlement row (it is settled after review)."""
    months = monthly_presettlement(scored, Decimal("103160.5605"), params)
    assert ("H1", 202403) not in {(r["institution_id"], r["month"]) for r in months.to_pylist()}


def test_negative_month_is_recovered_without_withholding(params: DipParams) -> None:
    """One I10 case at the county mean paid wholly by others (50000): 0.4590 × 103160.5605 =
    47350.70 → 47351; due 47351 − 50000 = −2649; nothing withheld, −2649 recovered.
    """
    catalogue = build_catalogue(cases_table(BASE), params)
    case = cases_table([("n1", "H1", "county", D(2024, 5, 2), "I10", None, 50000)])
    claims = pa.table({"encounter_id": ["n1"], "fund_fen": pa.array([0], pa.int64())})
    one = score_cases(case, catalogue, params, claims=claims)
    row = monthly_presettlement(one, Decimal("103160.5605"), params).to_pylist()[0]
    assert (row["gross_fen"], row["due_fen"], row["withheld_fen"], row["advance_fen"]) == (
        47351,
        -2649,
        0,
        -2649,
    )


def test_year_end_settles_the_advances(params: DipParams, scored: pa.Table) -> None:
    """H1 advanced 146737 (January) + 701672 (February) = 848409; year-end 848851 − 848409 = 442."""
    months = monthly_presettlement(scored, Decimal("103160.5605"), params)
    settled = settle_year(scored, 1076678, params, presettlement=months).to_pylist()
    h1 = {r["institution_id"]: r for r in settled}["H1"]
    assert (h1["advanced_fen"], h1["withheld_fen"], h1["year_end_fen"]) == (
        848409,
        7723 + 36930,
        442,
    )


def test_settlement_without_claims_is_rejected(params: DipParams) -> None:
    catalogue = build_catalogue(cases_table(BASE), params)
    unpaid = score_cases(cases_table(YEAR), catalogue, params)
    with pytest.raises(PaymentInputError, match="other_paid_fen"):
        settle_year(unpaid, 1000, params)


def test_a_negative_fund_payment_is_refused_naming_its_row(params: DipParams) -> None:
    catalogue = build_catalogue(cases_table(BASE), params)
    fund = pa.array([120000, -1, 400000, 700000, 40000, 70000, 30000], pa.int64())
    claims = CLAIMS.set_column(1, "fund_fen", fund)
    reason = "claims 第 2 行 列 fund_fen：基金支付须为非负整数分"
    with pytest.raises(PaymentInputError, match=reason):
        score_cases(cases_table(YEAR), catalogue, params, claims=claims)


def test_case_without_a_claim_is_named(params: DipParams) -> None:
    catalogue = build_catalogue(cases_table(BASE), params)
    with pytest.raises(PaymentInputError, match="'e7'"):
        score_cases(cases_table(YEAR), catalogue, params, claims=CLAIMS.slice(0, 6))


CASE = st.tuples(
    st.sampled_from(["H1", "H2", "T1"]),
    st.integers(1, 12),
    st.sampled_from([("K35.8", "47.09"), ("I10", None), ("J18.9", "96.04"), ("Z00.0", None)]),
    st.integers(0, 2_000_000),
    st.integers(0, 100),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cases=st.lists(CASE, min_size=1, max_size=25), fund=st.integers(0, 10**9))
def test_settlement_adds_up(params: DipParams, cases: list, fund: int) -> None:
    """Invariants: fund due + patients/others = gross per institution; advances + year-end = due;
    points are never negative; every grouped case is settled once.
    """
    levels = {"H1": "county", "H2": "county", "T1": "township"}
    rows = [
        (f"e{i}", inst, levels[inst], D(2024, month, 1), dx, px, cost)
        for i, (inst, month, (dx, px), cost, _) in enumerate(cases)
    ]
    claims = pa.table(
        {
            "encounter_id": [r[0] for r in rows],
            "fund_fen": pa.array(
                [cost * share // 100 for (_, _, _, cost, share) in cases], pa.int64()
            ),
        }
    )
    catalogue = build_catalogue(cases_table(BASE), params)
    scored = score_cases(cases_table(rows), catalogue, params, claims=claims)
    assert all(p >= 0 for p in scored.column("points").to_pylist())
    if sum(scored.column("points").to_pylist()) == 0:
        with pytest.raises(ValueError, match="no points"):
            settle_year(scored, fund, params)
        return
    months = monthly_presettlement(scored, budget_point_value(catalogue, params), params)
    settled = settle_year(scored, fund, params, presettlement=months).to_pylist()
    grouped = sum(1 for t in scored.column("case_type").to_pylist() if t != "ungrouped")
    assert sum(r["cases"] for r in settled) == grouped
    for r in settled:
        assert r["fund_due_fen"] + r["other_paid_fen"] == r["gross_fen"]
        assert r["advanced_fen"] + r["year_end_fen"] == r["fund_due_fen"]
    for m in months.to_pylist():
        assert m["advance_fen"] + m["withheld_fen"] == m["due_fen"]
    exact = sum(r["points"] for r in settled) * settled[0]["point_value"]
    assert abs(sum(r["gross_fen"] for r in settled) - exact) <= Decimal(len(settled)) / 2

"""DIP catalogue: code keys, treatment types, core/comprehensive groups, weighted means, points."""

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
    GroupKind,
    PaymentInputError,
    Treatment,
    budget_point_value,
    build_catalogue,
    diagnosis_key,
    procedure_key,
    treatment_type,
)

from .dip_cases import BASE, cases_table

D = dt.date
#: BASE (dip_cases.py) is the worked example, hand-computed in the test docstrings below.


@pytest.fixture(scope="module")
def params() -> DipParams:
    return dataclasses.replace(DipParams.load("hebei_wuji", D(2024, 1, 1)), core_case_threshold=2)


def test_diagnosis_key_is_the_icd10_subcategory() -> None:
    """DIP 技术规范 (via 唐山 notes): the principal diagnosis is cut to X00.0."""
    assert diagnosis_key("k35.800x002") == "K35.8"
    assert diagnosis_key("K358") == "K35.8"
    assert diagnosis_key("I10") == "I10"
    assert diagnosis_key(" I10.x00 ") == "I10"


def test_bad_codes_are_rejected() -> None:
    with pytest.raises(ValueError, match="ICD-10"):
        diagnosis_key("35.8")
    with pytest.raises(ValueError, match="ICD-9-CM-3"):
        procedure_key("K35")


def test_no_procedure_is_conservative_treatment() -> None:
    assert procedure_key(None) == procedure_key("  ") == ""
    assert treatment_type("") is Treatment.CONSERVATIVE


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("47.09", Treatment.SURGERY),
        ("00.66", Treatment.SURGERY),
        ("86.22", Treatment.SURGERY),
        ("87.03", Treatment.DIAGNOSTIC),
        ("88.72", Treatment.DIAGNOSTIC),
        ("92.14", Treatment.DIAGNOSTIC),
        ("92.24", Treatment.THERAPEUTIC),
        ("93.39", Treatment.THERAPEUTIC),
        ("96.04", Treatment.THERAPEUTIC),
        ("99.04", Treatment.THERAPEUTIC),
    ],
)
def test_procedure_chapters_map_to_treatment_types(code: str, expected: Treatment) -> None:
    """Working rule in catalogue.treatment_type: 00–86 surgery, 87–92.1 diagnostic, 92.2–99 therapeutic."""
    assert treatment_type(procedure_key(code)) is expected


def test_combinations_at_the_threshold_are_core_groups(params: DipParams) -> None:
    """Threshold 2: K35.8+47.09 has 5 base cases, I10 6 → core; J18.0+96.04, J18.1+96.04 one each."""
    catalogue = build_catalogue(cases_table(BASE), params)
    kinds = {g.group_id: g.kind for g in catalogue.groups.values()}
    assert kinds == {
        "K35.8+47.09": GroupKind.CORE,
        "I10": GroupKind.CORE,
        "J18:therapeutic": GroupKind.COMPREHENSIVE,
    }
    assert catalogue.groups["J18:therapeutic"].cases == 2


def test_overall_mean_is_weighted_1_2_7_over_base_years(params: DipParams) -> None:
    """Yearly means 2021: 320000/4 = 80000; 2022: 320000/4 = 80000; 2023: 560000/5 = 112000.

    M = (1×80000 + 2×80000 + 7×112000) ÷ 10 = 102400.00 (DIP 技术规范: 1:2:7 weighting).
    """
    catalogue = build_catalogue(cases_table(BASE), params)
    assert catalogue.overall_mean_fen == Decimal("102400.00")
    assert catalogue.base_years == (2021, 2022, 2023)


def test_group_points_are_weighted_mean_over_overall_mean(params: DipParams) -> None:
    """RW_i = m_i ÷ M (DIP 技术规范), 4 places half up.

    K35.8+47.09: (1×120000 + 2×150000 + 7×180000) ÷ 10 = 168000 → 168000/102400 = 1.640625 → 1.6406.
    I10: (1×40000 + 2×40000 + 7×50000) ÷ 10 = 47000 → 0.458984375 → 0.4590.
    J18 therapeutic (no 2021 case, weights 2:7): (2×90000 + 7×100000) ÷ 9 = 97777.78 → 0.95486… → 0.9549.
    """
    groups = build_catalogue(cases_table(BASE), params).groups
    assert groups["K35.8+47.09"].mean_fen == Decimal("168000.00")
    assert groups["K35.8+47.09"].points == Decimal("1.6406")
    assert groups["I10"].points == Decimal("0.4590")
    assert groups["J18:therapeutic"].mean_fen == Decimal("97777.78")
    assert groups["J18:therapeutic"].points == Decimal("0.9549")


def test_same_level_means_come_from_the_latest_base_year(params: DipParams) -> None:
    """上一年度同级别次均费用: K35.8+47.09 at county in 2023 = (160000 + 200000) ÷ 2."""
    group = build_catalogue(cases_table(BASE), params).groups["K35.8+47.09"]
    assert group.reference_mean("county") == Decimal("180000.00")
    assert group.reference_mean("city") == group.mean_fen


def test_budget_point_value_is_weighted_cost_over_expected_points(params: DipParams) -> None:
    """预算点值 = T ÷ Σ(RW × n̄) (DIP 技术规范).

    T = (1×320000 + 2×320000 + 7×560000) ÷ 10 = 488000;
    n̄ = 1.8, 2.0, 0.9 → Σ = 1.6406×1.8 + 0.4590×2 + 0.9549×0.9 = 4.73049;
    488000 ÷ 4.73049 = 103160.56053… → 103160.5605 fen per point.
    """
    catalogue = build_catalogue(cases_table(BASE), params)
    assert catalogue.weighted_total_cost_fen == 488000
    assert catalogue.weighted_points_total == Decimal("4.73049")
    assert budget_point_value(catalogue, params) == Decimal("103160.5605")


def test_match_uses_core_then_comprehensive_group(params: DipParams) -> None:
    catalogue = build_catalogue(cases_table(BASE), params)
    assert catalogue.match("K35.800", "47.09").group_id == "K35.8+47.09"
    assert catalogue.match("J18.9", "96.04").group_id == "J18:therapeutic"
    assert catalogue.match("K35.8", None) is None


def test_two_base_years_use_the_latest_two_weights(params: DipParams) -> None:
    """Two base years take weights 2:7: M = (2×80000 + 7×112000) ÷ 9 = 104888.89."""
    rows = [r for r in BASE if r[3].year >= 2022]
    twenty_two = [(*r[:3], r[3].replace(year=2021), *r[4:]) for r in rows if r[3].year == 2022]
    rows = twenty_two + [r for r in rows if r[3].year == 2023]
    catalogue = build_catalogue(cases_table(rows), params)
    assert catalogue.weights == (Decimal(2), Decimal(7))
    assert catalogue.overall_mean_fen == Decimal("104888.89")


def test_outpatient_rows_are_ignored(params: DipParams) -> None:
    table = cases_table(BASE)
    care = ["outpatient"] + ["inpatient"] * (len(BASE) - 1)
    table = table.set_column(table.schema.get_field_index("care_type"), "care_type", pa.array(care))
    assert build_catalogue(table, params).groups["K35.8+47.09"].cases == 4


def test_level_is_looked_up_in_org_units(params: DipParams) -> None:
    table = cases_table(BASE).drop_columns(["level"])
    org_units = pa.table({"org_id": ["H1", "T1"], "level": ["county", "township"]})
    catalogue = build_catalogue(table, params, org_units=org_units)
    assert catalogue.groups["I10"].reference_mean("township") == Decimal("50000.00")


def test_bad_diagnosis_names_table_row_and_column(params: DipParams) -> None:
    rows = [*BASE[:2], ("x", "H1", "county", D(2021, 1, 1), "??", None, 1000)]
    with pytest.raises(PaymentInputError) as info:
        build_catalogue(cases_table(rows), params)
    assert "base_cases 第 3 行 列 diagnosis_code" in str(info.value)
    assert "row 3 column diagnosis_code" in str(info.value)


def test_negative_cost_is_rejected(params: DipParams) -> None:
    rows = [("x", "H1", "county", D(2021, 1, 1), "I10", None, -5)]
    with pytest.raises(PaymentInputError, match="cost_total_fen"):
        build_catalogue(cases_table(rows), params)


def test_missing_level_without_org_units_is_rejected(params: DipParams) -> None:
    with pytest.raises(PaymentInputError, match="level"):
        build_catalogue(cases_table(BASE).drop_columns(["level"]), params)


def test_more_base_years_than_weights_is_rejected(params: DipParams) -> None:
    rows = [*BASE, ("z", "H1", "county", D(2020, 1, 1), "I10", None, 1000)]
    with pytest.raises(ValueError, match="4 base years"):
        build_catalogue(cases_table(rows), params)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cost=st.integers(min_value=1, max_value=10**9),
    layout=st.lists(
        st.tuples(
            st.integers(2021, 2023),
            st.sampled_from(["I10", "K35.8", "J18.0", "E11.9"]),
            st.sampled_from([None, "47.09", "88.72", "96.04"]),
        ),
        min_size=1,
        max_size=30,
    ),
)
def test_equal_costs_give_every_group_one_point(params: DipParams, cost: int, layout: list) -> None:
    """Invariant: when every case costs the same, m_i = M, so every RW is exactly 1."""
    rows = [
        (f"e{i}", "H1", "county", D(y, 6, 1), dx, px, cost) for i, (y, dx, px) in enumerate(layout)
    ]
    catalogue = build_catalogue(cases_table(rows), params)
    assert {g.points for g in catalogue.groups.values()} == {Decimal(1)}
    assert sum(g.cases for g in catalogue.groups.values()) == len(rows)

"""Hand-computed values of catalogue/county_services.yaml (issue 14 §4) on the conftest
region, plus the cases it lacks (a referral to the city hospital, special-family members).

K1 residents on 2025-12-31: r1 r2 r3 r4 r5 r9 (r7 left on 03-20); r5 is uninsured.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from conftest import chronic_cases, contracts, like, lookup, referrals, region, residents
from yigai.indicators import compute

D = dt.date


@pytest.fixture(scope="module")
def extra_rows() -> dict[tuple[str, str, str], dict[str, Any]]:
    """The region plus f5 (r3 T1 → CH, completed, 2025-03-25); two special-family children
    at V1: q5 with a contract valid all 2025, q6 without; at V1 q7, a registered severe
    mental disorder patient under management (case k7), and q8, a registered tuberculosis
    patient not under management."""
    tables = region()
    extra = {
        "referrals": [
            like(
                referrals(),
                "f1",
                referral_id="f5",
                person_id="r3",
                from_institution_id="T1",
                to_institution_id="CH",
                requested_on=D(2025, 3, 25),
            )
        ],
        "residents": [
            like(residents(), "r4", person_id=p, home_unit_id="V1", grp_special_family=True)
            for p in ("q5", "q6")
        ]
        + [
            like(residents(), "r5", person_id="q7", home_unit_id="V1", grp_severe_mental=True),
            like(residents(), "r5", person_id="q8", home_unit_id="V1", grp_tuberculosis=True),
        ],
        "chronic_cases": [
            like(chronic_cases(), "k1", case_id="k7", person_id="q7", disease="severe_mental")
        ],
        "contracts": [like(contracts(), "c3", contract_id="n5", person_id="q5")],
    }
    for name, rows in extra.items():
        table = tables[name]
        tables[name] = pa.concat_tables([table, pa.Table.from_pylist(rows, table.schema)])
    periods = ("2025Q1", "2025")
    return lookup(compute(tables, periods, engine="duckdb"))


def _value(rows: dict, ind: str, org: str, period: str) -> tuple[int, int, str]:
    row = rows[(ind, org, period)]
    return row["numerator"], row["denominator"], row["value"]


def test_population_admission_rate(rows: dict) -> None:
    """2025 discharges of K1 residents: e4, e5 (r3 at T1), e6 (r4 at H1) = 3 ÷ 6 residents."""
    assert _value(rows, "population_admission_rate", "K1", "2025") == (3, 6, "50.00")


def test_population_admission_rate_is_yearly_only(rows: dict) -> None:
    assert not any(i == "population_admission_rate" and p != "2025" for (i, _, p) in rows)


def test_insurance_enrolment_rate(rows: dict) -> None:
    """K1 on 2025-12-31: r5 is uninsured, so 5 of 6 residents are enrolled."""
    assert _value(rows, "insurance_enrolment_rate", "K1", "2025") == (5, 6, "83.33")


def test_out_of_county_referral_rate_without_a_referral_out(rows: dict) -> None:
    """K1 Q1: f1, f2, f4 arrived or completed, all inside the county (f3 rejected)."""
    assert _value(rows, "out_of_county_referral_rate", "K1", "2025Q1") == (0, 3, "0.00")


def test_out_of_county_referral_rate_counts_the_city_hospital(extra_rows: dict) -> None:
    """With f5 (T1 → CH, completed): 1 of f1 f2 f4 f5; at T1 it is its only referral."""
    assert _value(extra_rows, "out_of_county_referral_rate", "K1", "2025Q1") == (1, 4, "25.00")
    assert _value(extra_rows, "out_of_county_referral_rate", "T1", "2025Q1") == (1, 1, "100.00")


def test_special_contract_rate(extra_rows: dict) -> None:
    """Special-family members q5 (contract valid all 2025) and q6 (none) at V1."""
    assert _value(extra_rows, "special_contract_rate", "K1", "2025Q1") == (1, 2, "50.00")
    assert _value(extra_rows, "special_contract_rate", "V1", "2025Q1") == (1, 2, "50.00")


def test_severe_mental_and_tuberculosis_management_rates(extra_rows: dict) -> None:
    """V1: q7 (severe mental disorder) is managed (k7); q8 (tuberculosis) is not."""
    assert _value(extra_rows, "severe_mental_management_rate", "V1", "2025Q1") == (1, 1, "100.00")
    assert _value(extra_rows, "tuberculosis_management_rate", "V1", "2025Q1") == (0, 1, "0.00")


def test_chronic_primary_management_rate_leaves_out_other_diseases(
    rows: dict, extra_rows: dict
) -> None:
    """k7 (severe mental disorder, at V1) is not a hypertension or diabetes case."""
    ind = "chronic_primary_management_rate"
    assert _value(extra_rows, ind, "K1", "2025Q1") == _value(rows, ind, "K1", "2025Q1")

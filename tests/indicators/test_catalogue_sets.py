"""Hand-computed values of the insurance, national, public-health and workforce catalogues on
the conftest region (K1 = residents r1 r2 r3 r4 r5 r9 at 2025-03-31; r7 left on 03-20).

Sources of each definition: the entry's ``source`` in catalogue/*.yaml (seeds 000/002/004,
国卫办基层发〔2020〕12号 working definitions, National Basic Public Health Service spec 2017).
"""

from __future__ import annotations

from typing import Any

import pytest

CASES = [
    # Claims of K1 residents in Q1: e1 e2 e3 e6. Reimbursed = fund + critical + assistance
    # = 500 + 2500 + 2000 + 60000 + 10000 + 5000 = 80000 of total 117500 (seed 000).
    ("actual_reimbursement_rate", "K1", "2025Q1", 80000, 117500, "68.09"),
    # fund 65000 ÷ eligible 104000 = 62.5% (seeds 000/004 政策范围内).
    ("policy_scope_reimbursement_rate", "K1", "2025Q1", 65000, 104000, "62.50"),
    # outpatient: fund 500+2500+2000 ÷ eligible 1000+5000+8000.
    ("outpatient_policy_scope_reimbursement_rate", "K1", "2025Q1", 5000, 14000, "35.71"),
    ("inpatient_policy_scope_reimbursement_rate", "K1", "2025Q1", 60000, 90000, "66.67"),
    ("outpatient_actual_reimbursement_rate", "K1", "2025Q1", 5000, 17500, "28.57"),
    ("inpatient_actual_reimbursement_rate", "K1", "2025Q1", 75000, 100000, "75.00"),
    # e3 at the city hospital is out of county: (65000 − 2000) ÷ 65000.
    ("fund_in_county_rate", "K1", "2025Q1", 63000, 65000, "96.92"),
    # in-county fund paid to K1 institutions: V1 500 (primary), H1 2500 + 60000.
    ("fund_primary_share", "K1", "2025Q1", 500, 63000, "0.79"),
    # outpatient/emergency at K1 institutions in Q1: e1 V1, e2 H1, e7 T2, e8 H1, e11 H1.
    ("county_primary_outpatient_share", "K1", "2025Q1", 2, 5, "40.00"),
    # cases at 03-31: k1 (V1), k2 (H1), k3 (V1).
    ("chronic_primary_management_rate", "K1", "2025Q1", 2, 3, "66.67"),
    # f1 completed, f2 arrived, f4 completed; f3 rejected is not counted.
    ("referral_count", "K1", "2025Q1", 3, 1, "3"),
    ("up_referral_count", "K1", "2025Q1", 1, 1, "1"),
    ("down_referral_count", "K1", "2025Q1", 2, 1, "2"),
    ("up_referral_rate", "K1", "2025Q1", 1, 3, "33.33"),
    ("down_referral_rate", "K1", "2025Q1", 2, 3, "66.67"),
    # Q1 at K1 institutions: e1 e2 e5 e6 e7 e8 e11; total 173500; service lines 85200.
    ("service_income_share", "K1", "2025Q1", 85200, 173500, "49.11"),
    # drugs incl. herbal: 1500 + 4000 + 30000 + 50000 + 800 + 2000.
    ("drug_revenue_per_100", "K1", "2025Q1", 88300, 173500, "50.89"),
    ("material_revenue_per_100", "K1", "2025Q1", 0, 173500, "0.00"),
    # k1 k2 ÷ (adults r1 r2 r3 r5 × 27.5%) × 100 = 2 ÷ 1.1 × 100 = 181.818…
    ("hypertension_management_rate", "K1", "2025Q1", 2, 4, "181.82"),
    # k3 ÷ (4 × 11.9%) × 100 = 210.084…
    ("diabetes_management_rate", "K1", "2025Q1", 1, 4, "210.08"),
    # k1 has 4 face-to-face visits in 2025 (the phone call does not count); k2 2, k4 1.
    ("phs_hypertension_standard_management_rate", "K1", "2025", 1, 3, "33.33"),
    ("phs_diabetes_standard_management_rate", "K1", "2025", 0, 1, "0.00"),
    # Q1 latest readings: k1 135/85 (controlled), k2 142/80 (not).
    ("hypertension_control_rate", "K1", "2025Q1", 1, 2, "50.00"),
    # 2025: k1 latest 130/80 controlled; k2 not; k4 has no reading → denominator only.
    ("hypertension_control_rate", "K1", "2025", 1, 3, "33.33"),
    # k3's latest glucose is 7.0: not < 7.0, so not controlled.
    ("diabetes_control_rate", "K1", "2025Q1", 0, 1, "0.00"),
    ("chronic_followups_done", "K1", "2025Q1", 7, 1, "7"),
    ("health_record_rate", "K1", "2025Q1", 2, 6, "33.33"),
    ("health_record_rate", "K1", "2025", 3, 6, "50.00"),
    ("electronic_health_record_rate", "K1", "2025Q1", 1, 6, "16.67"),
    # primary staff in post at 03-31: s1–s6 (s7 left 03-01), village doctor included.
    ("primary_staff_per_1000", "K1", "2025Q1", 6, 6, "1000.00"),
    ("gps_per_10000", "K1", "2025Q1", 2, 6, "3333.33"),
    # primary nurses s2 s6 ÷ doctors s1 s3 s5 (village doctor s4 is not a doctor).
    ("doctor_nurse_ratio", "K1", "2025Q1", 2, 3, "0.67"),
    ("primary_doctor_intermediate_title_share", "K1", "2025Q1", 2, 3, "66.67"),
    ("primary_doctor_senior_title_share", "K1", "2025Q1", 1, 3, "33.33"),
    ("primary_doctor_college_share", "K1", "2025Q1", 3, 3, "100.00"),
    ("primary_doctor_bachelor_share", "K1", "2025Q1", 2, 3, "66.67"),
    # primary outpatient visits in Q1: e1 (TCM) and e7.
    ("tcm_share", "K1", "2025Q1", 1, 2, "50.00"),
]


@pytest.mark.parametrize(("ind", "org", "period", "num", "den", "value"), CASES)
def test_hand_computed_value(
    rows: dict[tuple[str, str, str], dict[str, Any]],
    ind: str,
    org: str,
    period: str,
    num: int,
    den: int,
    value: str,
) -> None:
    row = rows[(ind, org, period)]
    assert (row["numerator"], row["denominator"], row["value"]) == (num, den, value)


def test_year_only_indicator_has_no_quarter_or_month_rows(rows: dict) -> None:
    """规范管理率 is defined per year (≥ 4 face-to-face follow-ups a year, spec 2017)."""
    periods = {p for (i, _, p) in rows if i == "phs_hypertension_standard_management_rate"}
    assert periods == {"2025"}


def test_reported_indicators_are_not_computed(rows: dict) -> None:
    assert not any(i == "lead_hospital_grade34_surgery_share" for (i, _, _) in rows)


def test_staff_numerator_follows_institution_and_residents_follow_home(rows: dict) -> None:
    """T1 has staff s1–s3 and resident r3 only: 3 ÷ 1 × 1000."""
    row = rows[("primary_staff_per_1000", "T1", "2025Q1")]
    assert (row["numerator"], row["denominator"]) == (3, 1)

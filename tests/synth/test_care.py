"""Encounters and referrals: cost arithmetic, level shares and the calibrated bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.orgs.model import PRIMARY_TYPES
from yigai.synth import calibration
from yigai.synth.care import COST_LINES, level_shares, split_costs

COUNTY = "440101"
PRIMARY = [t.value for t in PRIMARY_TYPES]
DRUGS = ["cost_drug_western_fen", "cost_drug_patent_fen", "cost_herbal_fen"]
CAL = calibration.load()


@pytest.fixture(scope="module")
def enc(region: dict[str, pa.Table]) -> pd.DataFrame:
    org = region["org_units"].to_pandas()[["org_id", "parent_id", "inst_type", "level"]]
    df = region["encounters"].to_pandas().merge(org, left_on="institution_id", right_on="org_id")
    df["year"] = pd.to_datetime(df.event_date).dt.year
    df["in_county"] = df.parent_id == COUNTY
    df["primary"] = df.inst_type.isin(PRIMARY)
    return df


# ------------------------------------------------------------------ arithmetic


@settings(max_examples=60, deadline=None)
@given(
    totals=st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=50),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    tcm=st.booleans(),
)
def test_cost_lines_are_non_negative_integers_summing_to_the_total(
    totals: list[int], seed: int, tcm: bool
) -> None:
    cal = CAL
    total = np.array(totals, dtype=np.int64)
    lines = split_costs(
        np.random.default_rng(seed),
        total,
        cal["care.cost_lines_inpatient"],
        60.0,
        np.full(len(total), tcm),
        0.15,
    )
    stacked = np.stack([lines[name] for name in COST_LINES])
    assert stacked.dtype == np.int64
    assert (stacked >= 0).all()
    assert (stacked.sum(axis=0) == total).all()


def test_cost_line_with_zero_share_stays_zero() -> None:
    cal = CAL
    total = np.full(100, 12345, dtype=np.int64)
    lines = split_costs(
        np.random.default_rng(1),
        total,
        cal["care.cost_lines_outpatient"],
        60.0,
        np.zeros(100, bool),
        0.15,
    )
    assert (lines["cost_bed_fen"] == 0).all()
    assert (lines["cost_herbal_fen"] == 0).all()


def test_level_shares_move_mass_as_stated() -> None:
    """Hand computed: base (.3,.3,.2,0,.15,.05); in_shift .02 takes .015 from city and .005
    from province into county; primary_shift .03 takes .03 from county, .015 each to village
    and township → (.315,.315,.19,0,.135,.045)."""
    p = level_shares([0.3, 0.3, 0.2, 0.0, 0.15, 0.05], 0.02, 0.03)
    assert p == pytest.approx([0.315, 0.315, 0.19, 0.0, 0.135, 0.045])


@settings(max_examples=60, deadline=None)
@given(st.floats(-0.02, 0.02), st.floats(-0.03, 0.03))
def test_level_shares_always_sum_to_one(in_shift: float, primary_shift: float) -> None:
    cal = CAL
    p = level_shares(cal["care.outpatient_level_shares"], in_shift, primary_shift)
    assert p.sum() == pytest.approx(1.0)
    assert (p >= 0).all()


# ------------------------------------------------------------------ calibration bands


def test_in_county_visit_share_85_to_89_percent_each_year(enc: pd.DataFrame) -> None:
    """Seed 002 一（二）3: target 县域内就诊率 ≈ 90%; calibrated below it (85–89%)."""
    share = enc.groupby("year").in_county.mean()
    assert ((share >= 0.85) & (share <= 0.89)).all(), share


def test_in_county_admission_share_80_to_84_percent_each_year(enc: pd.DataFrame) -> None:
    """Seed 002: target 县域内住院率 ≈ 85%; calibrated below it (80–84%)."""
    share = enc[enc.care_type == "inpatient"].groupby("year").in_county.mean()
    assert ((share >= 0.80) & (share <= 0.84)).all(), share


def test_primary_visit_share_55_to_63_percent_each_year(enc: pd.DataFrame) -> None:
    """Seed 002: target 基层就诊率 ≈ 65%; calibrated below it (55–63%)."""
    share = enc.groupby("year").primary.mean()
    assert ((share >= 0.55) & (share <= 0.63)).all(), share


def test_shares_drift_toward_the_targets(enc: pd.DataFrame) -> None:
    share = enc.groupby("year")[["in_county", "primary"]].mean()
    assert (share.loc[2025] > share.loc[2024]).all()


def test_visits_and_admissions_per_resident(enc: pd.DataFrame, region: dict[str, pa.Table]) -> None:
    """Brief calibration: 5–6 outpatient visits and 0.15–0.2 admissions per resident-year."""
    n = region["residents"].num_rows
    per_year = enc.groupby(["year", enc.care_type == "inpatient"]).size().unstack() / n
    assert ((per_year[False] >= 5.0) & (per_year[False] <= 6.2)).all()
    assert ((per_year[True] >= 0.15) & (per_year[True] <= 0.20)).all()


def test_winter_months_are_busier_than_summer(enc: pd.DataFrame) -> None:
    month = pd.to_datetime(enc.event_date).dt.month
    counts = month.value_counts()
    assert counts[1] > counts[7] * 1.15


def test_tcm_share_of_primary_visits_20_to_28_percent(enc: pd.DataFrame) -> None:
    """Seed 002 二（三）: target 中医诊疗量占比 30% (2022); calibrated at 20–28%."""
    assert 0.20 <= enc[enc.primary].is_tcm.mean() <= 0.28


def test_booked_share_of_public_hospital_outpatient_visits_12_to_18_percent(
    enc: pd.DataFrame,
) -> None:
    """Seeds 000/004: 预约转诊占公立医院门诊就诊量 target ≥ 20%; calibrated at 12–18%."""
    public_hospital = enc.level.isin(["county", "city", "province"]) & (enc.inst_type != "private")
    outpatient = enc.care_type != "inpatient"
    booked = enc[public_hospital & outpatient].booking.isin(["appointment", "referral"]).mean()
    assert 0.12 <= booked <= 0.18


def test_drug_share_35_to_45_percent(enc: pd.DataFrame) -> None:
    """Seeds 000/004: 药占比 target below 40%; calibrated at 35–45%."""
    share = enc[DRUGS].sum().sum() / enc.cost_total_fen.sum()
    assert 0.35 <= share <= 0.45


def test_out_of_scope_share_5_to_15_percent(enc: pd.DataFrame) -> None:
    ratio = enc.out_of_scope_fen / enc.cost_total_fen
    assert ratio.max() <= 0.15
    assert 0.05 <= ratio.mean() <= 0.15


def test_cost_per_visit_by_level(enc: pd.DataFrame) -> None:
    """Seed 003 金安区: township outpatient 51.03 → 39.78 yuan per visit, inpatient 1,410.97 →
    1,163.25 per stay; village ≈ 30; county ≈ 150–250 outpatient, 6,000–9,000 per stay."""
    out = enc[enc.care_type == "outpatient"].groupby("level").cost_total_fen.median() / 100
    inp = enc[enc.care_type == "inpatient"].groupby("level").cost_total_fen.mean() / 100
    assert 25 <= out["village"] <= 35
    assert 40 <= out["township"] <= 60
    assert 150 <= out["county"] <= 250
    assert 1100 <= inp["township"] <= 1700
    assert 6000 <= inp["county"] <= 9500
    assert inp["city"] > inp["county"] and inp["province"] > inp["city"]


def test_money_columns_are_int64(region: dict[str, pa.Table]) -> None:
    schema = region["encounters"].schema
    for name in (*COST_LINES, "cost_total_fen", "out_of_scope_fen"):
        assert schema.field(name).type == pa.int64()


def test_procedures_only_on_admissions(enc: pd.DataFrame) -> None:
    assert enc[enc.care_type != "inpatient"].procedure_code.isna().all()
    assert enc[enc.care_type == "inpatient"].procedure_code.notna().any()


def test_village_visits_are_at_the_residents_home_unit(
    enc: pd.DataFrame, region: dict[str, pa.Table]
) -> None:
    home = region["residents"].to_pandas().set_index("person_id").home_unit_id
    village = enc[enc.level == "village"]
    assert (village.institution_id.to_numpy() == home.loc[village.person_id].to_numpy()).all()


# ------------------------------------------------------------------ referrals


def test_booking_referral_iff_linked_to_a_referral(enc: pd.DataFrame) -> None:
    assert ((enc.booking == "referral") == enc.referral_id.notna()).all()


def test_linked_referrals_match_person_destination_and_arrival(
    enc: pd.DataFrame, region: dict[str, pa.Table]
) -> None:
    ref = region["referrals"].to_pandas().set_index("referral_id")
    linked = enc[enc.referral_id.notna()]
    r = ref.loc[linked.referral_id]
    assert (r.person_id.to_numpy() == linked.person_id.to_numpy()).all()
    assert (r.to_institution_id.to_numpy() == linked.institution_id.to_numpy()).all()
    assert (r.arrived_on.to_numpy() == linked.visit_date.to_numpy()).all()
    assert r.status.eq("completed").all()


def test_up_referrals_go_from_primary_to_higher_level(region: dict[str, pa.Table]) -> None:
    org = region["org_units"].to_pandas().set_index("org_id")
    ref = region["referrals"].to_pandas()
    up = ref[ref.direction == "up"]
    assert org.loc[up.from_institution_id].inst_type.isin(PRIMARY).all()
    assert not org.loc[up.to_institution_id].inst_type.isin(PRIMARY).any()
    down = ref[ref.direction == "down"]
    assert len(down) > 0
    assert org.loc[down.to_institution_id].inst_type.isin(PRIMARY).all()


def test_referral_states_have_consistent_dates(region: dict[str, pa.Table]) -> None:
    ref = region["referrals"].to_pandas()
    done = ref.status == "completed"
    assert ref[done].arrived_on.notna().all() and ref[done].completed_on.notna().all()
    failed = ref.status.isin(["rejected", "cancelled", "expired"])
    assert failed.any()
    assert ref[failed].arrived_on.isna().all()
    assert (ref.accepted_on.dropna() >= ref.requested_on[ref.accepted_on.notna()]).all()


def test_green_channel_only_for_contracted_residents_referred_by_their_team(
    region: dict[str, pa.Table],
) -> None:
    """Seed 002 二（八）: green channel for contracted residents referred up by their family-doctor team."""
    ref = region["referrals"].to_pandas()
    con = region["contracts"].to_pandas()
    green = ref[ref.green_channel]
    assert len(green) > 0
    assert green.by_family_doctor.all()
    assert (green.direction == "up").all()
    year = pd.to_datetime(green.requested_on).dt.year
    contracted = set(zip(con.person_id, pd.to_datetime(con.signed_on).dt.year, strict=True))
    # A referral requested in early January may belong to the stay of the previous year's end.
    in_year = [
        (p, y) in contracted or (p, y + 1) in contracted
        for p, y in zip(green.person_id, year, strict=True)
    ]
    assert all(in_year)

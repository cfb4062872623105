"""Chronic cases and follow-ups: readings agree with classification; control rates."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest


@pytest.fixture(scope="module")
def fu(region: dict[str, pa.Table]) -> pd.DataFrame:
    return region["followups"].to_pandas()


@pytest.fixture(scope="module")
def cases(region: dict[str, pa.Table]) -> pd.DataFrame:
    return region["chronic_cases"].to_pandas()


def test_hypertension_classification_follows_the_readings(fu: pd.DataFrame) -> None:
    """Domain README §3 (规范 2017): controlled = SBP < 140 and DBP < 90 mmHg."""
    h = fu[fu.disease == "hypertension"]
    ok = (h.sbp < 140) & (h.dbp < 90)
    assert ((h.classification == "controlled") == ok).all()


def test_diabetes_classification_follows_fasting_glucose(fu: pd.DataFrame) -> None:
    """Domain README §3: controlled = fasting glucose < 7.0 mmol/L."""
    d = fu[fu.disease == "diabetes"]
    assert d.fasting_glucose.notna().all()
    assert ((d.classification == "controlled") == (d.fasting_glucose < 7.0)).all()
    assert fu[fu.disease == "hypertension"].fasting_glucose.isna().all()


def test_controlled_share_60_to_70_percent(fu: pd.DataFrame) -> None:
    share = fu.groupby("disease").classification.apply(lambda c: (c == "controlled").mean())
    assert ((share >= 0.60) & (share <= 0.70)).all(), share


def test_three_to_four_followups_per_case_managed_all_year(
    fu: pd.DataFrame, cases: pd.DataFrame
) -> None:
    """Domain README §3: at least 4 a year in the spec; calibrated at ≈ 3.5."""
    whole_year = cases[pd.to_datetime(cases.managed_from) < pd.Timestamp("2025-01-01")]
    per_case = fu[pd.to_datetime(fu.followup_date).dt.year == 2025].groupby("case_id").size()
    mean = per_case.reindex(whole_year.case_id, fill_value=0).mean()
    assert 3.0 <= mean <= 4.0


def test_followups_fall_after_management_starts(fu: pd.DataFrame, cases: pd.DataFrame) -> None:
    start = cases.set_index("case_id").managed_from
    assert (fu.followup_date.to_numpy() >= start.loc[fu.case_id].to_numpy()).all()


def test_followup_belongs_to_its_cases_person_and_disease(
    fu: pd.DataFrame, cases: pd.DataFrame
) -> None:
    c = cases.set_index("case_id").loc[fu.case_id]
    assert (c.person_id.to_numpy() == fu.person_id.to_numpy()).all()
    assert (c.disease.to_numpy() == fu.disease.to_numpy()).all()


def test_actions_follow_classification(fu: pd.DataFrame) -> None:
    assert (fu[fu.classification == "controlled"].action == "continue").all()
    assert fu[fu.classification != "controlled"].action.isin(["adjust", "refer"]).all()
    urgent = (fu.disease == "hypertension") & ((fu.sbp >= 180) | (fu.dbp >= 110))
    assert (fu[urgent].action == "refer").all()


def test_cases_only_for_flagged_residents(cases: pd.DataFrame, region: dict[str, pa.Table]) -> None:
    res = region["residents"].to_pandas().set_index("person_id")
    for disease in ("hypertension", "diabetes"):
        who = cases[cases.disease == disease].person_id
        assert res.loc[who, f"grp_{disease}"].all()


def test_managed_share_of_flagged_residents(
    cases: pd.DataFrame, region: dict[str, pa.Table]
) -> None:
    res = region["residents"].to_pandas()
    share = (cases.disease == "hypertension").sum() / res.grp_hypertension.sum()
    assert share == pytest.approx(0.72, abs=0.03)

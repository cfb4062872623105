"""Staff calibrated to seed 002 附件3 (workforce figures of 湛江 primary care)."""

from __future__ import annotations

import pandas as pd
import pytest

from yigai.orgs.model import PRIMARY_TYPES
from yigai.synth import calibration
from yigai.synth.config import SynthConfig
from yigai.synth.region import build_county, build_higher
from yigai.synth.staff import generate_staff

RESIDENTS = 500_000


@pytest.fixture(scope="module")
def staff() -> tuple[pd.DataFrame, set[str]]:
    cal = calibration.load()
    config = SynthConfig(residents_per_county=RESIDENTS)
    county = build_county(config, cal, build_higher(config, cal), 0)
    primary = {i.org_id for i in county.institutions if i.inst_type in PRIMARY_TYPES}
    return generate_staff(config, cal, county).to_pandas(), primary


FIRST_DAY = pd.Timestamp("2024-01-01").date()


def _on(df: pd.DataFrame, day: object) -> pd.DataFrame:
    """Staff in post on ``day``."""
    return df[(df.joined_on <= day) & (df.left_on.isna() | (df.left_on > day))]


def test_primary_staff_per_1000_residents(staff: tuple[pd.DataFrame, set[str]]) -> None:
    """Seed 002 附件3: 每千人口基层卫生人员数 4.02 (500,000 residents → ≈ 2,010) on day one."""
    df, primary = staff
    per_1000 = _on(df, FIRST_DAY).institution_id.isin(primary).sum() / (RESIDENTS / 1000)
    assert per_1000 == pytest.approx(4.02, abs=0.02)


def test_general_practitioners_per_10000_residents(staff: tuple[pd.DataFrame, set[str]]) -> None:
    """Seed 002 附件3: 每万人口全科医生数 2.84 → 2.84 × 50 = 142 GPs on day one, all primary
    doctors."""
    df, primary = staff
    gps = _on(df, FIRST_DAY)[lambda d: d.is_gp]
    assert len(gps) == 142
    assert gps.institution_id.isin(primary).all()
    assert (gps.profession == "doctor").all()


def test_nurses_per_doctor(staff: tuple[pd.DataFrame, set[str]]) -> None:
    """Seed 002 附件3: 医护比 1:1.29 (village doctors and village nurses excluded)."""
    df, _ = staff
    counts = df.profession.value_counts()
    village_nurses = df[(df.profession == "nurse") & df.institution_id.str.contains("C")].shape[0]
    assert (counts["nurse"] - village_nurses) / counts["doctor"] == pytest.approx(1.29, abs=0.08)


def test_primary_doctor_titles_and_education(staff: tuple[pd.DataFrame, set[str]]) -> None:
    """Seed 002 附件3: 基层医师 中级以上职称 25.6%, 高级 8.1%; 大专以上 63.8%, 本科以上 27.9%."""
    df, primary = staff
    docs = df[df.institution_id.isin(primary) & (df.profession == "doctor")]
    senior = docs.title.isin(["associate_senior", "senior"]).mean()
    intermediate_up = docs.title.isin(["intermediate", "associate_senior", "senior"]).mean()
    college_up = docs.education.isin(["junior_college", "bachelor", "master", "doctorate"]).mean()
    bachelor_up = docs.education.isin(["bachelor", "master", "doctorate"]).mean()
    assert intermediate_up == pytest.approx(0.256, abs=0.04)
    assert senior == pytest.approx(0.081, abs=0.03)
    assert college_up == pytest.approx(0.638, abs=0.04)
    assert bachelor_up == pytest.approx(0.279, abs=0.04)


def test_village_doctors_work_only_in_village_clinics(staff: tuple[pd.DataFrame, set[str]]) -> None:
    df, _ = staff
    assert df[df.profession == "village_doctor"].institution_id.str[6].eq("C").all()


def test_post_type_follows_profession(staff: tuple[pd.DataFrame, set[str]]) -> None:
    df, _ = staff
    assert (df[df.profession == "management"].post_type == "management").all()
    assert (df[df.profession == "worker"].post_type == "worker").all()
    assert (df[~df.profession.isin(["management", "worker"])].post_type == "professional").all()


def test_primary_workforce_grows_toward_the_target(staff: tuple[pd.DataFrame, set[str]]) -> None:
    """calibration staff.annual_growth 5%/yr (seed 002: 4.02 → 4.55 per 1,000 by 2022): after
    two years about 4.02 × 1.05² ≈ 4.43 per 1,000, still short of 4.55."""
    df, primary = staff
    end = pd.Timestamp("2025-12-31").date()
    per_1000 = _on(df, end).institution_id.isin(primary).sum() / (RESIDENTS / 1000)
    assert 4.3 < per_1000 < 4.55


def test_only_primary_staff_leave_and_they_leave_within_the_years(
    staff: tuple[pd.DataFrame, set[str]],
) -> None:
    df, primary = staff
    leavers = df[df.left_on.notna()]
    assert len(leavers) > 0 and leavers.institution_id.isin(primary).all()
    assert leavers.left_on.min() >= FIRST_DAY
    assert (leavers.left_on > leavers.joined_on).all()

"""The synthetic resource register (机构资源登记) calibrated to seeds 003 and 004."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from yigai.orgs.model import InstitutionType as IT
from yigai.records import schemas, versions
from yigai.synth import calibration
from yigai.synth.config import SynthConfig
from yigai.synth.region import County, build_county, build_higher
from yigai.synth.resources import generate_resources
from yigai.synth.staff import generate_staff

from .helpers import problems

RESIDENTS = 500_000


@pytest.fixture(scope="module")
def county_and_register() -> tuple[County, pa.Table]:
    cal = calibration.load()
    config = SynthConfig(residents_per_county=RESIDENTS)
    county = build_county(config, cal, build_higher(config, cal), 0)
    staff = generate_staff(config, cal, county)
    return county, generate_resources(config, cal, county, staff)


def _latest(table: pa.Table) -> list[dict]:
    return versions.in_force(table, ("org_id",), None).to_pylist()


def _types(county: County) -> dict[str, IT]:
    return {i.org_id: i.inst_type for i in county.institutions}


def test_register_follows_the_record_set_rules(county_and_register) -> None:
    county, table = county_and_register
    first = table.filter(pc.is_null(table["version_from"]))  # one first version each
    assert problems(schemas.RESOURCES, first) == []
    assert sorted(first["org_id"].to_pylist()) == sorted(i.org_id for i in county.institutions)
    stored = {(r["org_id"], r["version_from"]) for r in table.to_pylist()}
    assert len(stored) == table.num_rows  # the stored key (org_id, version_from) is unique


def test_private_share_of_beds_matches_seed_004(county_and_register) -> None:
    """Seed 004: 民营医疗机构床位占总床位数的13.63% (0.6 of 4.4 beds per 1,000)."""
    county, table = county_and_register
    types = _types(county)
    rows = _latest(table)
    private = sum(r["beds"] for r in rows if types[r["org_id"]] is IT.PRIVATE)
    total = sum(r["beds"] for r in rows)
    assert private / total == pytest.approx(0.136, abs=0.002)
    assert total / (RESIDENTS / 1000) == pytest.approx(4.4, abs=0.02)


def test_posts_are_the_first_days_staff_times_seed_003s_ratio(county_and_register) -> None:
    """Seed 003: 827 posts for 725 staff (≈ 1.14); private hospitals have no 编制."""
    county, table = county_and_register
    types = _types(county)
    rows = _latest(table)
    assert all(r["posts"] is None for r in rows if types[r["org_id"]] is IT.PRIVATE)
    towns = [r["posts"] for r in rows if types[r["org_id"]] is IT.TOWNSHIP_CENTRE]
    assert towns and all(p and p > 0 for p in towns)


def test_standardised_clinics_and_upgraded_centres_near_the_seed_shares(
    county_and_register,
) -> None:
    """Seed 003: 85 of 213 village clinics standardised (0.40); 6 of 17 centres central (0.35)."""
    county, table = county_and_register
    types = _types(county)
    rows = _latest(table)
    clinics = [r["standard_clinic"] for r in rows if types[r["org_id"]] is IT.VILLAGE_CLINIC]
    assert sum(clinics) / len(clinics) == pytest.approx(0.40, abs=0.06)
    towns = [r["upgraded_centre"] for r in rows if types[r["org_id"]] is IT.TOWNSHIP_CENTRE]
    assert 0 < sum(towns) < len(towns)
    assert all(
        r["standard_clinic"] is None for r in rows if types[r["org_id"]] is not IT.VILLAGE_CLINIC
    )


def test_a_tcm_clinic_opening_is_a_dated_version(county_and_register) -> None:
    county, table = county_and_register
    types = _types(county)
    rows = table.to_pylist()
    later = [r for r in rows if r["version_from"] and types[r["org_id"]] is not IT.VILLAGE_CLINIC]
    assert later and all(r["version_from"] == dt.date(2024, 7, 1) for r in later)
    assert all(r["tcm_clinic"] is True for r in later)
    before = versions.in_force(table, ("org_id",), dt.date(2024, 6, 30))
    opened = {r["org_id"] for r in later}
    assert not any(r["tcm_clinic"] for r in before.to_pylist() if r["org_id"] in opened)


def test_essential_drugs_at_seed_000s_share_of_village_clinics_on_the_first_day(
    county_and_register,
) -> None:
    """Seed 000: 64% of village clinics use the national essential drugs; only village
    clinics carry the flag."""
    county, table = county_and_register
    types = _types(county)
    first = table.filter(pc.is_null(table["version_from"])).to_pylist()
    clinics = [r["essential_drugs"] for r in first if types[r["org_id"]] is IT.VILLAGE_CLINIC]
    assert sum(clinics) / len(clinics) == pytest.approx(0.64, abs=0.01)
    others = [r for r in first if types[r["org_id"]] is not IT.VILLAGE_CLINIC]
    assert all(r["essential_drugs"] is None for r in others)


def test_clinics_adopting_the_essential_drugs_on_1_july_are_dated_versions(
    county_and_register,
) -> None:
    county, table = county_and_register
    types = _types(county)
    later = [r for r in table.to_pylist() if r["version_from"] and r["essential_drugs"]]
    assert later and all(types[r["org_id"]] is IT.VILLAGE_CLINIC for r in later)
    assert {r["version_from"] for r in later} == {dt.date(2024, 7, 1)}
    adopting = {r["org_id"] for r in later}
    before = versions.in_force(table, ("org_id",), dt.date(2024, 6, 30)).to_pylist()
    assert not any(r["essential_drugs"] for r in before if r["org_id"] in adopting)
    clinics = [i.org_id for i in county.institutions if i.inst_type is IT.VILLAGE_CLINIC]
    assert len(adopting) == pytest.approx(0.75 * 0.36 * len(clinics), abs=2)

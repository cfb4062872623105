"""Org units and communities of the synthetic region (seed 003 金安区 scaled by residents)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from yigai.orgs.model import InstitutionType as IT
from yigai.synth import calibration
from yigai.synth.config import SynthConfig
from yigai.synth.region import build_county, build_higher, scaled_count


@pytest.fixture(scope="module")
def cal() -> calibration.Calibration:
    return calibration.load()


def _county(cal: calibration.Calibration, residents: int, **kw: object):
    config = SynthConfig(residents_per_county=residents, **kw)  # type: ignore[arg-type]
    higher = build_higher(config, cal)
    return config, higher, build_county(config, cal, higher, 0)


def test_scaled_count_rounds_half_up_with_a_minimum() -> None:
    """Seed 003 金安区: 17 township centres for 860,000 residents.
    430,000 → 8.5 → 9 (half up); 5,000 → 0.0988 → minimum 1."""
    assert scaled_count(17, 860_000, 860_000, 1) == 17
    assert scaled_count(17, 430_000, 860_000, 1) == 9
    assert scaled_count(17, 5_000, 860_000, 1) == 1


def test_reference_size_county_has_the_jinan_institutions(cal: calibration.Calibration) -> None:
    """Seed 003 第四篇: 17个乡镇卫生院、269个村卫生室、6个社区卫生服务中心、27个社区卫生服务站、6个区直卫生单位."""
    _, _, county = _county(cal, 860_000)
    count = {t: sum(1 for i in county.institutions if i.inst_type is t) for t in IT}
    assert count[IT.TOWNSHIP_CENTRE] == 17
    assert count[IT.VILLAGE_CLINIC] == 269
    assert count[IT.COMMUNITY_CENTRE] == 6
    assert count[IT.COMMUNITY_STATION] == 27
    county_level = (IT.COUNTY_GENERAL, IT.COUNTY_TCM, IT.COUNTY_MCH, IT.COUNTY_CDC)
    assert sum(count[t] for t in county_level) == 6


def test_institutions_hang_under_county_city_or_province(cal: calibration.Calibration) -> None:
    _, higher, county = _county(cal, 20_000)
    units = pa.concat_tables(
        [higher.org_units(), county.org_units(higher.city_codes[0])]
    ).to_pylist()
    parent = {u["org_id"]: u["parent_id"] for u in units}
    for u in units:
        if u["inst_type"] == "city_hospital":
            assert parent[u["org_id"]] == higher.city_codes[0]
        elif u["inst_type"] == "province_hospital":
            assert parent[u["org_id"]] == higher.province_code
        elif u["kind"] == "institution":
            assert parent[u["org_id"]] == county.code


def test_one_community_led_by_the_county_general_hospital_in_a_small_county(
    cal: calibration.Calibration,
) -> None:
    _, _, county = _county(cal, 20_000)
    assert len(county.communities) == 1
    leads = [m for m in county.members if m[2] == "lead"]
    general = next(i for i in county.institutions if i.inst_type is IT.COUNTY_GENERAL)
    assert [m[1] for m in leads] == [general.org_id]


def test_big_county_has_a_second_community_led_by_the_tcm_hospital(
    cal: calibration.Calibration,
) -> None:
    _, _, county = _county(cal, 400_000)
    leads = {m[0]: m[1] for m in county.members if m[2] == "lead"}
    tcm = next(i for i in county.institutions if i.inst_type is IT.COUNTY_TCM)
    assert len(county.communities) == 2
    assert tcm.org_id in leads.values()


def test_one_township_centre_joins_mid_first_year(cal: calibration.Calibration) -> None:
    _, _, county = _county(cal, 200_000, years=(2024, 2025))
    towns = {i.org_id for i in county.institutions if i.inst_type is IT.TOWNSHIP_CENTRE}
    joined = {m[1]: m[3] for m in county.members if m[1] in towns}
    assert sorted(set(joined.values())) == [dt.date(2024, 1, 1), dt.date(2024, 7, 1)]
    assert sum(1 for d in joined.values() if d == dt.date(2024, 7, 1)) == 1


def test_catchment_shares_sum_to_one_and_cover_every_home_unit(
    cal: calibration.Calibration,
) -> None:
    _, _, county = _county(cal, 50_000)
    assert county.home_weights.sum() == pytest.approx(1.0)
    assert (county.home_weights > 0).all()
    assert len(county.home_weights) == len(county.home_units) == len(county.home_centre)
    assert county.home_centre.max() < len(county.centres)


def test_county_effects_stay_inside_their_calibrated_half_widths(
    cal: calibration.Calibration,
) -> None:
    config = SynthConfig(cities=2, counties_per_city=5)
    higher = build_higher(config, cal)
    half = cal["care.county_effect"]
    effects = [build_county(config, cal, higher, i).effects for i in range(config.n_counties)]
    for name, width in half.items():
        values = np.array([e[name] for e in effects])
        assert (np.abs(values) <= width).all()
        assert values.std() > 0  # counties differ


def test_every_village_clinic_and_station_belongs_to_a_centre(
    cal: calibration.Calibration,
) -> None:
    """乡村一体化: village clinics name a township centre, stations a community centre."""
    _, higher, county = _county(cal, 20_000)
    units = county.org_units(higher.city_codes[0]).to_pylist()
    kind = {u["org_id"]: u["inst_type"] for u in units}
    centre_type = {"village_clinic": "township_centre", "community_station": "community_centre"}
    linked = [u for u in units if u["inst_type"] in centre_type]
    assert linked
    for u in linked:
        assert kind[u["centre_id"]] == centre_type[u["inst_type"]]
    assert all(u["centre_id"] is None for u in units if u["inst_type"] not in centre_type)

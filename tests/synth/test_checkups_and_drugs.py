"""Synthetic health check-ups (健康体检) and online drug purchases (药品网上集中采购)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from yigai.orgs.model import PRIMARY_TYPES
from yigai.synth import calibration
from yigai.synth.config import SynthConfig
from yigai.synth.drugs import generate_drug_purchases
from yigai.synth.region import build_county, build_higher


def _ages_at_year_end(region: dict[str, pa.Table], table: pa.Table) -> np.ndarray:
    """Completed years on 31 December of each check-up's year (birth-month rule)."""
    born = dict(
        zip(
            region["residents"]["person_id"].to_pylist(),
            region["residents"]["birth_ym"].to_pylist(),
            strict=True,
        )
    )
    return np.array(
        [
            day.year - born[p].year
            for p, day in zip(
                table["person_id"].to_pylist(), table["checkup_date"].to_pylist(), strict=True
            )
        ]
    )


def test_elderly_checkups_are_for_residents_65_and_over_at_the_year_end(
    region: dict[str, pa.Table],
) -> None:
    checkups = region["health_checkups"]
    elderly = checkups.filter(pc.equal(checkups["kind"], "elderly_annual"))
    periodic = checkups.filter(pc.equal(checkups["kind"], "periodic"))
    assert elderly.num_rows and periodic.num_rows
    assert _ages_at_year_end(region, elderly).min() == 65
    ages = _ages_at_year_end(region, periodic)
    assert ages.min() == 45 and ages.max() == 64


def test_about_the_calibrated_share_of_the_elderly_is_managed_each_year(
    region: dict[str, pa.Table],
) -> None:
    """One elderly check-up per person and year, for ≈ 68% of those 65+ on 2025-12-31."""
    checkups = region["health_checkups"]
    year = checkups.filter(
        pc.and_(
            pc.equal(checkups["kind"], "elderly_annual"),
            pc.equal(pc.year(checkups["checkup_date"]), 2025),
        )
    )
    people = year["person_id"].to_pylist()
    assert len(people) == len(set(people))
    born = region["residents"]["birth_ym"]
    elderly = pc.sum(pc.less_equal(pc.year(born), 2025 - 65)).as_py()
    assert len(people) / elderly == pytest.approx(0.68, abs=0.03)


def test_checkups_fall_in_their_year_after_registration(region: dict[str, pa.Table]) -> None:
    checkups = region["health_checkups"]
    registered = dict(
        zip(
            region["residents"]["person_id"].to_pylist(),
            region["residents"]["registered_on"].to_pylist(),
            strict=True,
        )
    )
    for p, day in zip(
        checkups["person_id"].to_pylist(), checkups["checkup_date"].to_pylist(), strict=True
    ):
        assert registered[p] <= day <= dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def county_purchases() -> tuple[dict[str, str], pa.Table]:
    cal = calibration.load()
    config = SynthConfig(residents_per_county=500_000)
    county = build_county(config, cal, build_higher(config, cal), 0)
    types = {i.org_id: i.inst_type for i in county.institutions}
    return types, generate_drug_purchases(config, cal, county, 2025)


def test_purchases_are_by_primary_care_institutions_within_the_year(county_purchases) -> None:
    types, table = county_purchases
    assert {types[i] for i in table["institution_id"].to_pylist()} <= PRIMARY_TYPES
    assert pc.min(table["order_date"]).as_py() >= dt.date(2025, 1, 1)
    assert pc.max(table["order_date"]).as_py() <= dt.date(2025, 12, 31)


def test_delivery_rate_is_about_seed_003s_92_percent(county_purchases) -> None:
    """Seed 003 第四篇: 通过网上集中采购药品1048万元，实际配送到位965万元，配送率达92%."""
    _, table = county_purchases
    assert pc.all(pc.less_equal(table["delivered_fen"], table["purchased_fen"])).as_py()
    rate = pc.sum(table["delivered_fen"]).as_py() / pc.sum(table["purchased_fen"]).as_py()
    assert rate == pytest.approx(0.92, abs=0.01)
    full = pc.mean(pc.equal(table["delivered_fen"], table["purchased_fen"]).cast(pa.int64()))
    assert full.as_py() == pytest.approx(0.8, abs=0.03)

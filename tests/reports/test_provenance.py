"""A report records the warehouse table versions it read (issue 18 §2): assembling it again
as of those versions gives the same report, whatever was committed since."""

from __future__ import annotations

from pathlib import Path

import pytest

from yigai.periods import parse
from yigai.reports import produce
from yigai.synth import SynthConfig, generate
from yigai.warehouse import Warehouse


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("county") / "warehouse")
    generate(wh, SynthConfig(residents_per_county=1000, years=(2025,)), key=b"k")
    return wh


def test_a_report_assembled_again_as_of_its_versions_is_the_same(county: Warehouse) -> None:
    period = parse("2025Q4")
    first = produce.assemble(county, None, period)
    assert first.warehouse_versions == county.snapshot().to_json()
    encounters = county.read("encounters")
    county.commit("encounters", encounters, "every-visit-twice", "test")
    again = produce.assemble(county.at(first.warehouse_versions), None, period)
    assert again == first
    assert again.warehouse_versions == first.warehouse_versions
    assert produce.assemble(county, None, period).results != first.results


def test_versions_of_a_report_name_only_tables_that_exist(county: Warehouse) -> None:
    data = produce.assemble(county, None, parse("2025Q4"))
    for name, version in data.warehouse_versions.items():
        assert version >= 1 and (Path(county.root) / name / "_delta_log").is_dir()

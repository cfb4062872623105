"""Catalogue loading: the shipped spine, and one broken file per rule with its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from yigai.indicators import catalogue
from yigai.indicators.catalogue import CatalogueError

SPINE = {
    "in_county_visit_rate",
    "in_county_inpatient_rate",
    "primary_visit_rate",
    "drug_share",
    "booked_referral_share",
    "general_contract_rate",
    "key_contract_rate",
    "outpatient_cost_per_visit",
    "inpatient_cost_per_stay",
    "outpatient_cost_per_visit_yoy",
    "inpatient_cost_per_stay_yoy",
}

GOOD = """\
indicators:
  - id: t_rate
    name_zh: 测试率
    name_en: Test rate
    unit: percent
    direction: higher
    attribution: resident
    numerator: {records: encounters, measure: count, where: [{in_county: true}]}
    denominator: {records: encounters, measure: count}
    definition_zh: 定义
    definition_en: definition
    source: 测试
    working_definition: true
"""


def _write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_catalogue_holds_the_spine() -> None:
    assert {i.id for i in catalogue.load()} >= SPINE


def test_every_shipped_indicator_cites_a_document_and_says_if_working() -> None:
    from yigai.sources import unresolved

    for ind in catalogue.load():
        assert not unresolved(ind.source), (ind.id, ind.source)
        assert ind.definition_zh and ind.definition_en
        assert ind.working_definition is True


def test_drug_share_definition_states_herbal_pieces_excluded() -> None:
    ind = catalogue.load()["drug_share"]
    assert "不含中药饮片" in ind.definition_zh
    assert "excluding herbal pieces" in ind.definition_en


def test_good_file_loads(tmp_path: Path) -> None:
    cat = catalogue.load([_write(tmp_path, GOOD)])
    assert cat["t_rate"].numerator.where[0].column == "in_county"


def test_duplicate_yaml_key_names_the_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path, GOOD.replace("    unit: percent\n", "    unit: percent\n    unit: yuan\n")
    )
    with pytest.raises(CatalogueError, match=r"c\.yaml.*duplicate key 'unit'"):
        catalogue.load([path])


def test_unknown_field_names_file_and_indicator(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD + "    weight: 3\n")
    with pytest.raises(CatalogueError, match=r"c\.yaml \[t_rate\].*weight") as info:
        catalogue.load([path])
    assert "指标定义无效" in str(info.value)


def test_filter_on_unknown_column_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("in_county: true", "in_country: true"))
    with pytest.raises(CatalogueError, match=r"\[t_rate\].*筛选列 in_country.* / .*'in_country'"):
        catalogue.load([path])


def test_sum_of_text_column_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("measure: count}", "measure: {sum: booking}}"))
    with pytest.raises(CatalogueError, match="sum needs an integer column"):
        catalogue.load([path])


def test_resident_attribution_on_staff_is_rejected(tmp_path: Path) -> None:
    text = GOOD.replace("records: encounters, measure: count, where: [{in_county: true}]",
                        "records: staff, measure: count")  # fmt: skip
    with pytest.raises(CatalogueError, match="no attribution column home_unit_id"):
        catalogue.load([_write(tmp_path, text)])


def test_contracts_are_counted_through_residents_has_contract(tmp_path: Path) -> None:
    """One contract-validity rule: there is no contracts view of its own to count from."""
    text = GOOD.replace("denominator: {records: encounters,", "denominator: {records: contracts,")
    with pytest.raises(CatalogueError, match=r"\[t_rate\].*denominator\.records"):
        catalogue.load([_write(tmp_path, text)])


def test_duplicate_id_across_files_names_both(tmp_path: Path) -> None:
    a, b = _write(tmp_path, GOOD, "a.yaml"), _write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(CatalogueError, match=r"b\.yaml \[t_rate\].*already defined in .*a\.yaml"):
        catalogue.load([a, b])


def test_growth_of_unknown_base_is_rejected(tmp_path: Path) -> None:
    growth = """\
  - id: t_yoy
    kind: growth
    of: nothing
    name_zh: 增长
    name_en: growth
    direction: lower
    definition_zh: 定义
    definition_en: definition
    source: 测试
    working_definition: true
"""
    with pytest.raises(CatalogueError, match=r"\[t_yoy\].*growth base 'nothing'"):
        catalogue.load([_write(tmp_path, GOOD + growth)])


def test_file_without_indicators_list_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="exactly one key"):
        catalogue.load([_write(tmp_path, "targets: []\n")])


def test_select_keeps_growth_bases() -> None:
    ids = [i.id for i in catalogue.load().select(["inpatient_cost_per_stay_yoy"])]
    assert ids == ["inpatient_cost_per_stay", "inpatient_cost_per_stay_yoy"]


def test_unknown_factor_parameter_names_file_and_indicator(tmp_path: Path) -> None:
    text = GOOD.replace(
        "denominator: {records: encounters, measure: count}",
        "denominator: {records: encounters, measure: count, factor: no_such_rate}",
    )
    with pytest.raises(CatalogueError, match=r"\[t_rate\].*no_such_rate.*parameter file not found"):
        catalogue.load([_write(tmp_path, text)])


def test_per_column_must_exist_in_view(tmp_path: Path) -> None:
    text = GOOD.replace(
        "numerator: {records: encounters, measure: count, where: [{in_county: true}]}",
        "numerator: {records: encounters, measure: {count_distinct: person_id}, per: case_id,"
        " having: {count: {ge: 2}}}",
    )
    with pytest.raises(CatalogueError, match=r"\[t_rate\].*'case_id'"):
        catalogue.load([_write(tmp_path, text)])


def test_side_attribution_overrides_indicator_attribution(tmp_path: Path) -> None:
    """Staff have no home unit; with `attribution: institution` on the side they load."""
    text = GOOD.replace(
        "numerator: {records: encounters, measure: count, where: [{in_county: true}]}",
        "numerator: {records: staff, measure: count, attribution: institution}",
    )
    assert catalogue.load([_write(tmp_path, text)])["t_rate"].numerator is not None

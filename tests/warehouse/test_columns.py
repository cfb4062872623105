"""Input column → stored field mapping (yigai.warehouse.columns).

Source: the task brief (money as ``<name>_fen`` in fen or ``<name>`` in yuan; ``id_number`` →
``person_id`` + ``id_masked``; ``name`` → ``name_masked``; a missing required column rejects
the file) and the Chinese labels in records/schemas.py.
"""

from __future__ import annotations

import pytest

from yigai.records import schemas
from yigai.warehouse.columns import Source, plan_columns
from yigai.warehouse.readers import FileRejected


def test_identity_number_feeds_pseudonym_and_mask() -> None:
    columns = ["身份证号", "姓名", "sex", "birth_date", "home_unit_id", "scheme", "registered_on"]
    got = plan_columns(schemas.RESIDENTS, columns)
    assert got["person_id"] == got["id_masked"] == Source("身份证号", "identity")
    assert got["name_masked"] == Source("姓名", "name")


def test_org_name_is_an_ordinary_field_not_personal() -> None:
    got = plan_columns(schemas.ORG_UNITS, ["org_id", "kind", "name"])
    assert got["name"] == Source("name", "direct")


def test_money_by_fen_name_yuan_name_and_chinese_label() -> None:
    base = [f.name for f in schemas.ENCOUNTERS.fields if f.kind != "money"]
    base = [c for c in base if c != "person_id"] + ["id_number"]
    money = [f.name for f in schemas.ENCOUNTERS.fields if f.kind == "money"]
    columns = [*base, *money[:-3], "cost_other", "医疗总费用", "out_of_scope_fen"]
    got = plan_columns(schemas.ENCOUNTERS, columns)
    assert got["cost_drug_western_fen"] == Source("cost_drug_western_fen", "direct")
    assert got["cost_other_fen"] == Source("cost_other", "yuan")
    assert got["cost_total_fen"] == Source("医疗总费用", "yuan")


def test_person_id_from_both_id_number_and_person_id_is_refused() -> None:
    with pytest.raises(FileRejected, match="只能提供一个"):
        plan_columns(schemas.CONTRACTS, ["person_id", "id_number"])


def test_missing_required_columns_are_all_named() -> None:
    with pytest.raises(FileRejected) as err:
        plan_columns(schemas.ORG_UNITS, ["org_id"])
    assert "kind" in err.value.en and "name" in err.value.en and err.value.column == "kind"


def test_month_is_accepted_only_for_partitioned_sets() -> None:
    assert "month" in plan_columns(
        schemas.FOLLOWUPS, [f.name for f in schemas.FOLLOWUPS.fields if f.required] + ["month"]
    )
    with pytest.raises(FileRejected, match="month"):
        plan_columns(schemas.ORG_UNITS, ["org_id", "kind", "name", "month"])

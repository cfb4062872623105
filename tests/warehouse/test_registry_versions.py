"""Registries are corrected by dated versions (登记簿更正): never edited in place, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from yigai.people import identity
from yigai.records import versions
from yigai.warehouse import Warehouse, audit, versioned
from yigai.warehouse.ingest import ingest_file

from .conftest import KEY, RESIDENT_A, RESIDENT_B

WriteCsv = Callable[..., Path]
D = dt.date

#: RESIDENT_A died on 2025-05-20: a correction from that day with left_on.
DIED = f"""
id_number,name,sex,birth_date,home_unit_id,scheme,registered_on,left_on,version_from
{RESIDENT_A},张三丰,F,1949-12-31,T1,resident,2020-01-05,2025-05-20,2025-05-20
"""


def _residents(wh: Warehouse) -> list[dict]:
    rows = wh.read("residents", columns=["person_id", "left_on", "version_from"]).to_pylist()
    return sorted(rows, key=lambda r: (r["person_id"], r["version_from"]))


def test_a_row_without_version_from_is_the_first_version_since_ever(region: Warehouse) -> None:
    froms = set(region.read("residents")["version_from"].to_pylist())
    assert froms == {versions.BEGINNING}


def test_a_correction_is_stored_as_a_new_version_beside_the_old(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    report = ingest_file(region, "residents", write_csv(DIED, "died.csv"), key=KEY)
    assert report.status == "committed", report.rejections
    pid = identity.pseudonym(RESIDENT_A, KEY)
    mine = [r for r in _residents(region) if r["person_id"] == pid]
    assert mine == [
        {"person_id": pid, "left_on": None, "version_from": D(1900, 1, 1)},
        {"person_id": pid, "left_on": D(2025, 5, 20), "version_from": D(2025, 5, 20)},
    ]


def test_reimporting_the_same_correction_is_a_no_op(region: Warehouse, write_csv: WriteCsv) -> None:
    ingest_file(region, "residents", write_csv(DIED, "died.csv"), key=KEY)
    before = _residents(region)
    again = ingest_file(region, "residents", write_csv(DIED, "died.csv"), key=KEY)
    assert again.status == "already_imported"
    # The same rows in another file (another batch id) store nothing either.
    copy = f"""
    version_from,id_number,name,sex,birth_date,home_unit_id,scheme,registered_on,left_on
    2025-05-20,{RESIDENT_A},张三丰,F,1949-12-31,T1,resident,2020-01-05,2025-05-20
    """
    other = ingest_file(region, "residents", write_csv(copy, "copy.csv"), key=KEY)
    assert other.status == "already_imported" and other.rows_stored == 0
    assert not other.rejections
    assert _residents(region) == before


def test_a_file_repeating_stored_rows_stores_only_its_new_versions(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    text = f"""
    id_number,name,sex,birth_date,home_unit_id,scheme,registered_on,left_on,version_from
    {RESIDENT_B},李四,M,1980-01-01,T1,employee,2020-01-05,,
    {RESIDENT_A},张三丰,F,1949-12-31,T1,resident,2020-01-05,2025-05-20,2025-05-20
    """
    report = ingest_file(region, "residents", write_csv(text, "all.csv"), key=KEY)
    assert report.status == "committed" and report.rows_stored == 1
    assert len(_residents(region)) == 3


def test_an_edit_of_a_stored_version_is_refused(region: Warehouse, write_csv: WriteCsv) -> None:
    before = _residents(region)
    edit = f"""
    id_number,name,sex,birth_date,home_unit_id,scheme,registered_on,left_on
    {RESIDENT_A},张三丰,F,1949-12-31,T1,resident,2020-01-05,2025-05-20
    """
    report = ingest_file(region, "residents", write_csv(edit, "edit.csv"), key=KEY)
    assert report.status == "rejected"
    assert [(r.row, r.column, r.zh) for r in report.rejections] == [
        (2, "id_number", versioned.EDITED[0])
    ]
    assert _residents(region) == before


def test_two_versions_of_one_entity_in_one_file_are_both_stored(
    wh: Warehouse, write_csv: WriteCsv
) -> None:
    text = """
    org_id,parent_id,kind,name,version_from
    K,,county,旧县名,
    K,,county,新县名,2025-07-01
    """
    assert ingest_file(wh, "org_units", write_csv(text), key=KEY).status == "committed"
    assert sorted(wh.read("org_units")["name"].to_pylist()) == ["新县名", "旧县名"]


def test_a_correction_and_a_retirement_are_audited_with_key_date_and_reason(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    batch = ingest_file(region, "residents", write_csv(DIED, "died.csv"), key=KEY).batch_id
    retire = f"""
    id_number,name,sex,birth_date,home_unit_id,scheme,registered_on,version_from,retired_reason
    {RESIDENT_B},李四,M,1980-01-01,T1,employee,2020-01-05,2025-06-01,重复建档
    """
    gone = ingest_file(region, "residents", write_csv(retire, "retire.csv"), key=KEY).batch_id
    changes = [e for e in audit.entries(region.root) if e["action"] in ("correct", "retire")]
    assert [
        (e["action"], e["record_set"], e["key"], e["version_from"], e["reason"], e["purpose"])
        for e in changes
    ] == [
        ("correct", "residents", {"person_id": identity.pseudonym(RESIDENT_A, KEY)},
         "2025-05-20", None, batch),
        ("retire", "residents", {"person_id": identity.pseudonym(RESIDENT_B, KEY)},
         "2025-06-01", "重复建档", gone),
    ]  # fmt: skip


def test_first_versions_are_not_audited_as_corrections(region: Warehouse) -> None:
    assert not [e for e in audit.entries(region.root) if e["action"] in ("correct", "retire")]


def test_a_retired_entity_keeps_its_history_and_leaves_the_current_registry(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    retire = """
    org_id,parent_id,kind,name,inst_type,level,ownership,version_from,retired_reason
    H1,C1,institution,县人民医院,county_general,county,public,2025-06-01,撤销
    """
    assert ingest_file(region, "org_units", write_csv(retire), key=KEY).status == "committed"
    history = region.read("org_units").filter(
        [o == "H1" for o in region.read("org_units")["org_id"].to_pylist()]
    )
    assert sorted(history["version_from"].to_pylist()) == [D(1900, 1, 1), D(2025, 6, 1)]
    before = versions.read_in_force(region, "org_units", D(2025, 5, 31), ["org_id"])
    after = versions.read_in_force(region, "org_units", D(2025, 6, 1), ["org_id"])
    assert "H1" in before["org_id"].to_pylist()
    assert "H1" not in after["org_id"].to_pylist()
    assert "H1" not in versions.read_in_force(region, "org_units")["org_id"].to_pylist()


CONTRACT = f"""
contract_id,id_number,institution_id,team_id,package,signed_on,valid_from,valid_to,version_from
K1,{RESIDENT_A},T1,team1,basic,2025-01-01,2025-01-01,2025-12-31,
"""
#: The contract ended early, on 2025-04-30: a version from that day with the new valid_to.
CONTRACT_ENDED = CONTRACT.replace("2025-12-31,", "2025-04-30,2025-04-30")


def test_a_contract_ended_early_is_a_new_version_in_its_signing_month(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    for text, name in ((CONTRACT, "c.csv"), (CONTRACT_ENDED, "end.csv")):
        report = ingest_file(region, "contracts", write_csv(text, name), key=KEY)
        assert report.status == "committed", report.rejections
    stored = region.read("contracts", columns=["valid_to", "version_from"]).to_pylist()
    assert sorted(stored, key=lambda r: r["version_from"]) == [
        {"valid_to": D(2025, 12, 31), "version_from": D(1900, 1, 1)},
        {"valid_to": D(2025, 4, 30), "version_from": D(2025, 4, 30)},
    ]
    edit = CONTRACT.replace("2025-12-31,", "2025-06-30,")
    refused = ingest_file(region, "contracts", write_csv(edit, "edit.csv"), key=KEY)
    assert [r.zh for r in refused.rejections] == [versioned.EDITED[0]]

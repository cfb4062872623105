"""访问审计: reads and writes of personal columns leave a trail; other access does not."""

from __future__ import annotations

import datetime as dt

import pytest

from yigai import access
from yigai.warehouse import Warehouse, audit


def test_storing_residents_writes_an_audit_entry_with_rows_and_batch(region: Warehouse) -> None:
    writes = [e for e in audit.entries(region.root) if e["action"] == "write"]
    residents = [e for e in writes if e["record_set"] == "residents"]
    assert len(residents) == 1
    assert residents[0]["rows"] == 2
    assert set(residents[0]["columns"]) == {"person_id", "id_masked", "name_masked"}
    assert region.has_batch(residents[0]["purpose"])


def test_reading_personal_columns_is_audited_with_the_row_count(region: Warehouse) -> None:
    before = len(audit.entries(region.root))
    region.read("residents", columns=["person_id", "sex"])
    new = audit.entries(region.root)[before:]
    assert [(e["action"], e["record_set"], e["columns"], e["rows"]) for e in new] == [
        ("read", "residents", ["person_id"], 2)
    ]


def test_reading_a_non_personal_record_set_is_not_audited(region: Warehouse) -> None:
    before = len(audit.entries(region.root))
    region.read("org_units")
    assert len(audit.entries(region.root)) == before


def test_reading_no_personal_column_of_residents_is_still_audited(region: Warehouse) -> None:
    """Rows of residents are about persons whichever columns are read (issue 13)."""
    before = len(audit.entries(region.root))
    region.read("residents", columns=["sex", "home_unit_id"])
    new = audit.entries(region.root)[before:]
    assert [(e["action"], e["record_set"], e["columns"], e["rows"]) for e in new] == [
        ("read", "residents", [], 2)
    ]


def test_handing_out_files_of_a_personal_record_set_is_audited(region: Warehouse) -> None:
    before = len(audit.entries(region.root))
    assert region.files("residents", purpose="indicators")
    (entry,) = audit.entries(region.root)[before:]
    assert (entry["action"], entry["purpose"], entry["rows"]) == ("read", "indicators", None)


def test_audit_names_the_configured_user(
    region: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.grant(region.root, "县卫健局-王", [access.ALL])
    monkeypatch.setenv("YIGAI_USER", "县卫健局-王")
    region.read("residents")
    assert audit.entries(region.root)[-1]["user"] == "县卫健局-王"


def test_an_access_that_cannot_be_audited_fails(region: Warehouse) -> None:
    """Make this month's trail file unwritable (a directory in its place; tests run as root,
    so permissions would not stop the write): the read must fail, not go untraced."""
    folder = region.root / audit.AUDIT_DIR
    for path in folder.glob("*.jsonl"):
        path.rename(path.with_suffix(".bak"))
    now = dt.datetime.now(dt.UTC)
    (folder / f"{now:%Y%m}.jsonl").mkdir()
    with pytest.raises(OSError):
        region.read("residents")

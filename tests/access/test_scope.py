"""访问范围: personal rows are read only within the reader's granted org units.

Region (conftest ``two_counties``): county C1 (hospital H1, township T1, community M1 = {H1,
T1}) and county C2 (township T2). Resident A lives under T1, resident B under T2.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from tests.warehouse.conftest import KEY

from yigai import access
from yigai.access.scope import row_filter
from yigai.warehouse import Warehouse, audit
from yigai.warehouse.ingest import ingest_file


def _as(monkeypatch: pytest.MonkeyPatch, user: str) -> None:
    monkeypatch.setenv("YIGAI_USER", user)


def test_the_creator_of_a_warehouse_is_its_administrator(two_counties: Warehouse) -> None:
    assert access.grants(two_counties.root)["admin"].orgs == (access.ALL,)
    assert two_counties.read("residents").num_rows == 2


def test_a_user_without_a_grant_cannot_read_personal_rows(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as(monkeypatch, "stranger")
    with pytest.raises(access.AccessError, match="stranger"):
        two_counties.read("residents")


def test_non_personal_record_sets_need_no_grant(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as(monkeypatch, "stranger")
    assert two_counties.read("org_units").num_rows == 6


def test_reading_residents_without_person_id_still_needs_a_grant(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: rows of a personal record set are personal whichever columns are asked for."""
    _as(monkeypatch, "stranger")
    with pytest.raises(access.AccessError, match="stranger"):
        two_counties.read("residents", columns=["sex", "home_unit_id"])


def test_reading_residents_without_person_id_is_scoped(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.grant(two_counties.root, "county2", ["C2"])
    _as(monkeypatch, "county2")
    rows = two_counties.read("residents", columns=["home_unit_id"])
    assert rows["home_unit_id"].to_pylist() == ["T2"]


def test_a_county_grant_covers_the_units_under_it_only(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.grant(two_counties.root, "county2", ["C2"])
    _as(monkeypatch, "county2")
    rows = two_counties.read("residents", columns=["home_unit_id", "name_masked"])
    assert rows["home_unit_id"].to_pylist() == ["T2"]


def test_a_community_grant_covers_its_member_institutions(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.grant(two_counties.root, "lead-hospital", ["M1"])
    _as(monkeypatch, "lead-hospital")
    rows = two_counties.read("residents", columns=["home_unit_id", "person_id"])
    assert rows["home_unit_id"].to_pylist() == ["T1"]


def test_a_scoped_read_is_audited_with_its_scope_and_row_count(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.grant(two_counties.root, "county2", ["C2"])
    _as(monkeypatch, "county2")
    two_counties.read("residents", columns=["person_id"])
    last = audit.entries(two_counties.root)[-1]
    assert (last["user"], last["scope"], last["rows"]) == ("county2", "C2", 1)


def test_only_an_administrator_grants(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.grant(two_counties.root, "county2", ["C2"])
    _as(monkeypatch, "county2")
    with pytest.raises(access.AccessError, match="county2"):
        access.grant(two_counties.root, "county2", [access.ALL])
    assert access.grants(two_counties.root)["county2"].orgs == ("C2",)


def test_a_scope_follows_a_new_member_institution(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The covered units are cached per commit: a membership committed later widens the scope."""
    access.grant(two_counties.root, "lead-hospital", ["M1"])
    _as(monkeypatch, "lead-hospital")
    assert two_counties.read("residents", columns=["person_id"]).num_rows == 1
    _as(monkeypatch, "admin")
    joined = tmp_path / "joined.csv"
    joined.write_text(
        "community_id,institution_id,role,valid_from,valid_to\nM1,T2,member,2025-01-01,\n",
        encoding="utf-8",
    )
    assert ingest_file(two_counties, "community_members", joined, key=KEY).status == "committed"
    _as(monkeypatch, "lead-hospital")
    assert two_counties.read("residents", columns=["person_id"]).num_rows == 2


def test_revoking_a_grant_ends_access(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.grant(two_counties.root, "county2", ["C2"])
    access.revoke(two_counties.root, "county2")
    _as(monkeypatch, "county2")
    with pytest.raises(access.AccessError):
        two_counties.read("residents")


def test_the_last_administrator_cannot_be_revoked(two_counties: Warehouse) -> None:
    with pytest.raises(access.AccessError, match="last administrator"):
        access.revoke(two_counties.root, "admin")


def test_settlement_needs_a_grant_to_all_data(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.grant(two_counties.root, "county2", ["C2"])
    _as(monkeypatch, "county2")
    with pytest.raises(access.AccessError, match="settlement"):
        access.require_all(two_counties.root, "医保结算 / settlement")


def test_a_row_is_in_scope_when_any_of_its_org_references_is() -> None:
    """A referral from T1 up to H2 is seen by both ends' users."""
    referrals = pa.table(
        {
            "from_institution_id": ["T1", "T2", "X"],
            "to_institution_id": ["H2", "T1", "Y"],
        }
    )
    mask = referrals.filter(row_filter("referrals", {"H2"}))
    assert mask["from_institution_id"].to_pylist() == ["T1"]
    both = referrals.filter(row_filter("referrals", {"T1"}))
    assert pc.count(both["from_institution_id"]).as_py() == 2

"""settle_claims: warehouse records in, the CLAIMS table out (孝感 scheme, hand-computed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from yigai.console import console
from yigai.policy.claims import CLAIMS
from yigai.policy.commands import print_summary
from yigai.policy.run import SettlementRun, claim_totals
from yigai.policy.settle import settle_claims, settle_claims_explained
from yigai.records import schemas
from yigai.warehouse import Warehouse

D = dt.date


def _table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    rs = schemas.get(name)
    fields = [f.arrow_field() for f in rs.fields]
    return pa.table(
        {f.name: pa.array([row.get(f.name) for row in rows], f.type) for f in fields},
        schema=pa.schema(fields),
    )


def _inst(org_id: str, parent: str, inst_type: str, level: str) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "parent_id": parent,
        "kind": "institution",
        "name": org_id,
        "inst_type": inst_type,
        "level": level,
        "ownership": "public",
    }


def _resident(pid: str, home: str, scheme: str = "resident") -> dict[str, Any]:
    return {
        "person_id": pid,
        "id_masked": "x",
        "sex": "F",
        "birth_ym": D(1960, 1, 1),
        "home_unit_id": home,
        "scheme": scheme,
        "registered_on": D(2000, 1, 1),
    }


def _enc(
    eid: str,
    pid: str,
    inst: str,
    care: str,
    visit: dt.date,
    end: dt.date | None,
    total: int,
    referral: str | None = None,
) -> dict[str, Any]:
    row = {
        "encounter_id": eid,
        "person_id": pid,
        "institution_id": inst,
        "care_type": care,
        "visit_date": visit,
        "discharge_date": end,
        "event_date": end or visit,
        "diagnosis_code": "I10",
        "is_tcm": False,
        "booking": "referral" if referral else "walk_in",
        "referral_id": referral,
        "cost_total_fen": total,
        "out_of_scope_fen": 0,
    }
    for name, _, _ in schemas.COST_FIELDS:
        row[name] = 0
    row["cost_other_fen"] = total
    return row


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("wh"))
    orgs = [
        {"org_id": "P", "kind": "province", "name": "省"},
        {"org_id": "C1", "parent_id": "P", "kind": "city", "name": "市"},
        {"org_id": "K1", "parent_id": "C1", "kind": "county", "name": "甲县"},
        {"org_id": "K2", "parent_id": "C1", "kind": "county", "name": "乙县"},
        {"org_id": "M1", "parent_id": "K1", "kind": "community", "name": "甲县医共体"},
        _inst("H1", "K1", "county_general", "county"),
        _inst("T1", "K1", "township_centre", "township"),
        _inst("V1", "K1", "village_clinic", "village"),
        _inst("T2", "K2", "township_centre", "township"),
        _inst("CH", "C1", "city_hospital", "city"),
    ]
    members = [
        {"community_id": "M1", "institution_id": "H1", "role": "lead", "valid_from": D(2020, 1, 1)},
        {
            "community_id": "M1",
            "institution_id": "T1",
            "role": "member",
            "valid_from": D(2020, 1, 1),
        },
    ]
    residents = [_resident("R1", "V1"), _resident("R2", "V1", "employee"), _resident("R3", "T2")]
    encounters = [
        _enc("E1", "R1", "H1", "inpatient", D(2024, 3, 1), D(2024, 3, 10), 1_000_000),
        _enc("E2", "R1", "T1", "inpatient", D(2024, 3, 10), D(2024, 3, 20), 200_000, "RF1"),
        _enc("E3", "R1", "T2", "inpatient", D(2024, 5, 1), D(2024, 5, 3), 500_000),
        _enc("E4", "R2", "H1", "outpatient", D(2024, 5, 1), None, 10_000),
        _enc("E5", "R3", "T2", "outpatient", D(2024, 6, 1), None, 10_000),
        _enc("E6", "R1", "CH", "inpatient", D(2025, 1, 2), D(2025, 1, 5), 500_000),
    ]
    referrals = [
        {
            "referral_id": "RF1",
            "person_id": "R1",
            "direction": "down",
            "from_institution_id": "H1",
            "to_institution_id": "T1",
            "green_channel": False,
            "by_family_doctor": False,
            "requested_on": D(2024, 3, 9),
            "status": "completed",
        },
    ]
    for name, rows in (
        ("org_units", orgs),
        ("community_members", members),
        ("residents", residents),
        ("encounters", encounters),
        ("referrals", referrals),
    ):
        wh.commit(name, _table(name, rows), f"test-{name}", "test")
    return wh


@pytest.fixture(scope="module")
def resident_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """孝感's resident-scheme parameters without the employee folder: R2 (an employee) is
    then of a scheme the region has no parameters for."""
    import shutil

    from yigai.policy.params import DEFAULT_ROOT

    folder = tmp_path_factory.mktemp("params")
    shutil.copytree(DEFAULT_ROOT / "hubei_xiaogan", folder / "hubei_xiaogan")
    return folder


@pytest.fixture(scope="module")
def claims(warehouse: Warehouse, resident_only: Path) -> dict[str, dict[str, Any]]:
    table = settle_claims(warehouse, 2024, "hubei_xiaogan", root=resident_only)
    assert table.schema == CLAIMS.arrow_schema()
    return {row["encounter_id"]: row for row in table.to_pylist()}


def test_only_resident_scheme_encounters_of_the_year_are_settled(claims: dict) -> None:
    assert set(claims) == {"E1", "E2", "E3", "E5"}


def test_county_admission_is_settled_by_the_scheme(claims: dict) -> None:
    """孝感 二级: (10,000 − 400) × 75% = 7,200 yuan."""
    e1 = claims["E1"]
    assert (e1["level"], e1["in_county"], e1["deductible_fen"], e1["fund_fen"]) == (
        "county",
        True,
        40_000,
        720_000,
    )
    assert (e1["scheme_region"], e1["scheme_version"]) == (
        "hubei_xiaogan",
        "hubei_xiaogan@2024-01-01",
    )
    assert (e1["year"], e1["month"]) == (2024, 202403)


def test_down_referral_inside_the_community_pays_no_deductible(claims: dict) -> None:
    """E2 came by referral RF1 from H1 (same community M1) the day E1 ended: 2,000 × 85%."""
    assert (claims["E2"]["deductible_fen"], claims["E2"]["fund_fen"]) == (0, 170_000)


def test_other_county_township_is_out_of_county_without_referral(claims: dict) -> None:
    """E3 at T2 (乙县) with no referral: 县外, 2nd admission 400; (5,000 − 400) × (60% − 10%)."""
    e3 = claims["E3"]
    assert (e3["level"], e3["in_county"], e3["deductible_fen"], e3["fund_fen"]) == (
        "out_of_county",
        False,
        40_000,
        230_000,
    )


def test_home_county_of_another_resident_is_their_own(claims: dict) -> None:
    """R3 lives in 乙县: T2 is in county; 门诊统筹 50% of 100 yuan."""
    assert (claims["E5"]["in_county"], claims["E5"]["level"], claims["E5"]["fund_fen"]) == (
        True,
        "township",
        5_000,
    )


def test_every_claim_adds_up(claims: dict) -> None:
    for row in claims.values():
        parts = row["fund_fen"] + row["critical_fen"] + row["assistance_fen"] + row["patient_fen"]
        assert parts == row["cost_total_fen"]


def test_settled_claims_commit_to_the_warehouse(
    warehouse: Warehouse, tmp_path: Path, resident_only: Path
) -> None:
    table = settle_claims(warehouse, 2024, "hubei_xiaogan", root=resident_only)
    target = Warehouse(tmp_path / "out")
    target.commit("claims", table, "settle-2024", "policy.settle")
    assert target.read("claims").num_rows == 4


def test_a_year_without_encounters_gives_an_empty_claims_table(warehouse: Warehouse) -> None:
    table = settle_claims(warehouse, 2019, "hubei_xiaogan")
    assert table.num_rows == 0 and table.schema == CLAIMS.arrow_schema()


def test_settlement_names_each_encounter_that_gave_no_claim(
    warehouse: Warehouse, resident_only: Path
) -> None:
    """Five 2024 encounters give four claims: E4 is of R2, insured as an employee, and the
    parameters hold no employee scheme."""
    claims, dropped = settle_claims_explained(warehouse, 2024, "hubei_xiaogan", root=resident_only)
    assert claims.num_rows == 4
    assert dropped == [("E4", "not_resident_scheme")]


def test_summary_says_which_encounters_gave_no_claim_and_why() -> None:
    run = SettlementRun(
        year=2024,
        region="hubei_xiaogan",
        batch_id="b",
        claims_written=0,
        claims_differing=0,
        totals=claim_totals(CLAIMS.arrow_schema().empty_table()),
        dip_base_years=(),
        dip_fund_fen=0,
        dip_budget_point_value=None,
        dip_settlement_point_value=None,
        dip=(),
        capitation_fen=0,
        budgets=(),
        dropped=(("E4", "not_resident_scheme"), ("E9", "unknown_person")),
    )
    with console.capture() as out:
        print_summary(run)
    text = out.get()
    assert "2 次就诊未结算 / 2 encounters gave no claim" in text
    assert "参保人所属险种在本地区没有待遇参数" in text and "E4" in text
    assert "the person is not in the residents registry at the year end — E9" in text

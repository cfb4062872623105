"""Both basic schemes (issue 15 §1): each encounter settled under the scheme its person is
insured in on the encounter's date — 城乡居民医保 under the region's parameters, 职工医保
under ``<region>_employee`` (which ``extends`` the region and holds only what differs)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.policy.test_settle import _enc, _inst, _resident, _table

from yigai.policy.params import DEFAULT_ROOT, parameters
from yigai.policy.settle import settle_claims_explained
from yigai.warehouse import Warehouse

D = dt.date
REGION = "hubei_xiaogan"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The region's parameters and an employee scheme paying 95% of inpatient cost."""
    folder = tmp_path_factory.mktemp("params")
    shutil.copytree(DEFAULT_ROOT / REGION, folder / REGION)
    employee = folder / f"{REGION}_employee"
    (employee / "inpatient").mkdir(parents=True)
    (employee / "index.yaml").write_text(
        f"description: 职工医保 / employee scheme\nmetadata:\n  extends: {REGION}\n",
        encoding="utf-8",
    )
    source = (folder / REGION / "inpatient" / "ratio.yaml").read_text(encoding="utf-8")
    assert "township: 0.85" in source
    (employee / "inpatient" / "ratio.yaml").write_text(
        source.replace("township: 0.85", "township: 0.95"), encoding="utf-8"
    )
    return folder


def _version(pid: str, scheme: str, since: dt.date) -> dict[str, Any]:
    return {**_resident(pid, "V1", scheme), "version_from": since}


def _county_orgs() -> list[dict]:
    """One county with a township centre and a village clinic."""
    return [
        {"org_id": "P", "kind": "province", "name": "省"},
        {"org_id": "C1", "parent_id": "P", "kind": "city", "name": "市"},
        {"org_id": "K1", "parent_id": "C1", "kind": "county", "name": "甲县"},
        _inst("T1", "K1", "township_centre", "township"),
        _inst("V1", "K1", "village_clinic", "village"),
    ]


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory, root: Path) -> tuple[dict, list]:
    wh = Warehouse(tmp_path_factory.mktemp("wh"))
    orgs = _county_orgs()
    residents = [
        _version("R1", "resident", D(2000, 1, 1)),
        _version("R2", "employee", D(2000, 1, 1)),
        # R5 takes a job on 1 May 2024: resident before, employee from that day
        _version("R5", "resident", D(2000, 1, 1)),
        _version("R5", "employee", D(2024, 5, 1)),
        _version("R6", "none", D(2000, 1, 1)),
        # R7 is employed from March to June 2024 only: three versions, the last in force
        _version("R7", "resident", D(2000, 1, 1)),
        _version("R7", "employee", D(2024, 3, 1)),
        _version("R7", "resident", D(2024, 7, 1)),
    ]
    stay = 1_000_000
    encounters = [
        _enc("A1", "R1", "T1", "inpatient", D(2024, 6, 1), D(2024, 6, 5), stay),
        _enc("A2", "R2", "T1", "inpatient", D(2024, 6, 1), D(2024, 6, 5), stay),
        _enc("A3", "R5", "T1", "inpatient", D(2024, 3, 1), D(2024, 3, 5), stay),
        _enc("A4", "R5", "T1", "inpatient", D(2024, 8, 1), D(2024, 8, 5), stay),
        _enc("A5", "R6", "T1", "inpatient", D(2024, 6, 1), D(2024, 6, 5), stay),
        _enc("A6", "R7", "T1", "inpatient", D(2024, 4, 1), D(2024, 4, 5), stay),
        _enc("A7", "R7", "T1", "inpatient", D(2024, 9, 1), D(2024, 9, 5), stay),
    ]
    for name, rows in (("org_units", orgs), ("residents", residents), ("encounters", encounters)):
        wh.commit(name, _table(name, rows), f"test-{name}", "test")
    claims, dropped = settle_claims_explained(wh, 2024, REGION, root=root)
    return {r["encounter_id"]: r for r in claims.to_pylist()}, dropped


def test_the_employee_folder_holds_only_what_differs(root: Path) -> None:
    on = D(2024, 6, 1)
    employee = parameters(f"{REGION}_employee", on, root=root)
    resident = parameters(REGION, on, root=root)
    assert employee["inpatient.ratio"]["township"] == Decimal("0.95")
    assert resident["inpatient.ratio"]["township"] == Decimal("0.85")
    # not in the employee folder: inherited from the region it extends
    assert employee["inpatient.deductible"] == resident["inpatient.deductible"]
    assert employee.tree["inpatient.deductible"].file == resident.tree["inpatient.deductible"].file


def test_an_employee_is_settled_under_the_employee_scheme(settled: tuple[dict, list]) -> None:
    claims, _ = settled
    assert claims["A1"]["scheme_region"] == REGION
    assert claims["A2"]["scheme_region"] == f"{REGION}_employee"
    # the same stay at the same centre: 95% instead of 85% of the same reimbursable part
    resident, employee = claims["A1"], claims["A2"]
    assert employee["eligible_fen"] == resident["eligible_fen"]
    assert employee["deductible_fen"] == resident["deductible_fen"]
    base = resident["eligible_fen"] - resident["deductible_fen"]
    assert employee["fund_fen"] - resident["fund_fen"] == base // 10


def test_the_scheme_in_force_on_the_encounter_date_decides(settled: tuple[dict, list]) -> None:
    claims, _ = settled
    assert claims["A3"]["scheme_region"] == REGION  # March: still a resident
    assert claims["A4"]["scheme_region"] == f"{REGION}_employee"  # August: employed


def test_of_several_versions_the_one_in_force_on_the_date_decides(
    settled: tuple[dict, list],
) -> None:
    claims, _ = settled
    assert claims["A6"]["scheme_region"] == f"{REGION}_employee"  # April: employed
    assert claims["A7"]["scheme_region"] == REGION  # September: a resident again


def test_an_uninsured_persons_encounter_is_named_with_its_reason(
    settled: tuple[dict, list],
) -> None:
    claims, dropped = settled
    assert "A5" not in claims
    assert dropped == [("A5", "uninsured")]


def test_a_xiaogan_employee_is_settled_under_the_shipped_employee_scheme(
    tmp_path: Path,
) -> None:
    """The shipped parameters hold ``hubei_xiaogan_employee``: an employee is settled under
    it (not dropped), at its own inpatient ratio."""
    wh = Warehouse(tmp_path)
    orgs = _county_orgs()
    residents = [
        _version("R1", "resident", D(2000, 1, 1)),
        _version("R2", "employee", D(2000, 1, 1)),
    ]
    encounters = [
        _enc(e, p, "T1", "inpatient", D(2024, 6, 1), D(2024, 6, 5), 1_000_000)
        for e, p in (("A1", "R1"), ("A2", "R2"))
    ]
    for name, rows in (("org_units", orgs), ("residents", residents), ("encounters", encounters)):
        wh.commit(name, _table(name, rows), f"test-{name}", "test")
    claims, dropped = settle_claims_explained(wh, 2024, REGION)
    by_id = {r["encounter_id"]: r for r in claims.to_pylist()}
    assert dropped == []
    assert by_id["A2"]["scheme_region"] == f"{REGION}_employee"
    ratio = parameters(f"{REGION}_employee", D(2024, 6, 1))["inpatient.ratio"]["township"]
    assert ratio != parameters(REGION, D(2024, 6, 1))["inpatient.ratio"]["township"]
    assert by_id["A2"]["fund_fen"] > by_id["A1"]["fund_fen"]

"""Which earlier stay a referred admission continues (同一次住院, seed 002 三（六）), as
settlement links them: the dated episode window and a referral that names its source stay.

孝感 scheme: 起付线 二级 (county) 400 yuan, 一级 (township) 200; a later admission of the year
pays 100 at 一级. The referral RF1 sends R1 from county hospital H1 down to township T1, both
in community M1.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from yigai.policy.params import DEFAULT_ROOT
from yigai.policy.settle import settle_claims
from yigai.warehouse import Warehouse

from .test_settle import _enc, _inst, _resident, _table

D = dt.date
LINKED, UNLINKED = 0, 10_000  # township deductible owed by the admission: continued / 2nd stay


def _community_warehouse(
    root: Path, encounters: list[dict[str, Any]], referrals: list[dict[str, Any]]
) -> Warehouse:
    """甲县 with community M1 (lead H1, member T1) and village clinic V1, resident R1 of V1,
    and the given ``encounters`` and ``referrals``."""
    wh = Warehouse(root)
    orgs = [
        {"org_id": "P", "kind": "province", "name": "省"},
        {"org_id": "C1", "parent_id": "P", "kind": "city", "name": "市"},
        {"org_id": "K1", "parent_id": "C1", "kind": "county", "name": "甲县"},
        {"org_id": "M1", "parent_id": "K1", "kind": "community", "name": "甲县医共体"},
        _inst("H1", "K1", "county_general", "county"),
        _inst("T1", "K1", "township_centre", "township"),
        _inst("V1", "K1", "village_clinic", "village"),
    ]
    members = [
        {"community_id": "M1", "institution_id": i, "role": r, "valid_from": D(2020, 1, 1)}
        for i, r in (("H1", "lead"), ("T1", "member"))
    ]
    for name, rows in (
        ("org_units", orgs),
        ("community_members", members),
        ("residents", [_resident("R1", "V1")]),
        ("encounters", encounters),
        ("referrals", referrals),
    ):
        wh.commit(name, _table(name, rows), f"test-{name}", "test")
    return wh


def _warehouse(root: Path, source_end: dt.date, from_encounter: str | None = None) -> Warehouse:
    """R1 in H1 from 1 March to ``source_end``, then admitted to T1 on 10 March by RF1."""
    encounters = [
        _enc("E1", "R1", "H1", "inpatient", D(2024, 3, 1), source_end, 1_000_000),
        _enc("E2", "R1", "T1", "inpatient", D(2024, 3, 10), D(2024, 3, 20), 200_000, "RF1"),
    ]
    referral: dict[str, Any] = {
        "referral_id": "RF1",
        "person_id": "R1",
        "direction": "down",
        "from_institution_id": "H1",
        "to_institution_id": "T1",
        "from_encounter_id": from_encounter,
        "green_channel": False,
        "by_family_doctor": False,
        "requested_on": D(2024, 3, 1),
        "status": "completed",
    }
    return _community_warehouse(root, encounters, [referral])


def _region_with_window(tmp_path: Path, days: int) -> Path:
    """孝感 with another episode window, as a region would set it."""
    root = tmp_path / "params"
    shutil.copytree(DEFAULT_ROOT / "hubei_xiaogan", root / "hubei_xiaogan")
    path = root / "hubei_xiaogan" / "inpatient" / "referral_episode_days.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 1", f"value: {days}"))
    return root


def _deductible_of_e2(wh: Warehouse, root: Path | None = None) -> int:
    claims = settle_claims(wh, 2024, "hubei_xiaogan", root=root).to_pylist()
    return next(c["deductible_fen"] for c in claims if c["encounter_id"] == "E2")


@pytest.mark.parametrize(("end", "owed"), [(D(2024, 3, 10), LINKED), (D(2024, 3, 9), LINKED)])
def test_stay_ending_on_the_admission_day_or_the_day_before_is_continued(
    tmp_path: Path, end: dt.date, owed: int
) -> None:
    assert _deductible_of_e2(_warehouse(tmp_path, end)) == owed


def test_stay_ending_before_the_default_window_is_a_new_admission(tmp_path: Path) -> None:
    assert _deductible_of_e2(_warehouse(tmp_path, D(2024, 3, 7))) == UNLINKED


def test_episode_window_is_the_regions_dated_parameter(tmp_path: Path) -> None:
    """A region whose 同一次住院 spans 3 days links a stay that ended 3 days before."""
    wh = _warehouse(tmp_path / "wh", D(2024, 3, 7))
    assert _deductible_of_e2(wh, _region_with_window(tmp_path, 3)) == LINKED


def test_referral_naming_its_source_stay_links_it_though_discharged_after(
    tmp_path: Path,
) -> None:
    """E1's discharge was recorded the day after the transfer: linked when RF1 names E1."""
    assert _deductible_of_e2(_warehouse(tmp_path, D(2024, 3, 11), "E1")) == LINKED


def test_referral_without_a_source_stay_does_not_link_a_stay_discharged_after(
    tmp_path: Path,
) -> None:
    assert _deductible_of_e2(_warehouse(tmp_path, D(2024, 3, 11))) == UNLINKED


def test_named_source_stay_outside_the_window_is_a_new_admission(tmp_path: Path) -> None:
    assert _deductible_of_e2(_warehouse(tmp_path, D(2024, 3, 7), "E1")) == UNLINKED

"""Hand-computed values of catalogue/resources.yaml (issue 14 §4) on the conftest region,
plus public-health staff (the region has none).

Residents on the period end: K1 6 (r1 r2 r3 r4 r5 r9), K2 2 (r6 r8), T1 1 (r3).
Beds open (the conftest resource register): H1 300, T1 40, T2 20, V1 0, P1 60 (private) in
K1; H2 100 in K2 until its register row is retired on 2025-06-01; CH 800 in the city.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from conftest import like, lookup, region, staff
from yigai.indicators import compute
from yigai.indicators.catalogue import load

D = dt.date
IDS = (
    "beds_per_1000",
    "private_bed_share",
    "private_beds_per_1000",
    "village_doctors_per_1000",
    "township_public_health_staff_share",
    "tcm_clinic_share",
    "standard_village_clinic_share",
    "upgraded_centre_share",
)


@pytest.fixture(scope="module")
def rows() -> dict[tuple[str, str, str], dict[str, Any]]:
    """The region plus public-health staff: h1 at T1 in post, h2 at T1 left on 2025-03-01,
    h3 at H1 (a hospital, not a township centre)."""
    tables = region()
    extra = [
        like(staff(), "s2", staff_id="h1", profession="public_health"),
        like(staff(), "s2", staff_id="h2", profession="public_health", left_on=D(2025, 3, 1)),
        like(staff(), "s9", staff_id="h3", profession="public_health"),
    ]
    tables["staff"] = pa.concat_tables(
        [tables["staff"], pa.Table.from_pylist(extra, tables["staff"].schema)]
    )
    result = compute(tables, ("2025Q1", "2025"), engine="duckdb", catalogue=load().select(IDS))
    return lookup(result)


def _value(rows: dict, ind: str, org: str, period: str) -> tuple[int, int, str]:
    row = rows[(ind, org, period)]
    return row["numerator"], row["denominator"], row["value"]


def test_beds_per_1000(rows: dict) -> None:
    """K1: 300 + 40 + 20 + 0 + 60 = 420 beds ÷ 6 residents × 1000."""
    assert _value(rows, "beds_per_1000", "K1", "2025") == (420, 6, "70000.00")


def test_beds_of_a_retired_register_row_count_until_it_is_retired(rows: dict) -> None:
    """H2's row is retired from 2025-06-01: its 100 beds count on 03-31, not on 12-31."""
    assert _value(rows, "beds_per_1000", "K2", "2025Q1") == (100, 2, "50000.00")
    assert _value(rows, "beds_per_1000", "K2", "2025") == (0, 2, "0.00")
    # the city: K1 420 + CH 800 (+ H2 100 in Q1) over 8 residents
    assert _value(rows, "beds_per_1000", "C", "2025Q1")[:2] == (1320, 8)
    assert _value(rows, "beds_per_1000", "C", "2025")[:2] == (1220, 8)


def test_private_bed_share_takes_ownership_from_the_org_units(rows: dict) -> None:
    """K1: P1 (ownership private) has 60 of 420 beds."""
    assert _value(rows, "private_bed_share", "K1", "2025") == (60, 420, "14.29")


def test_private_beds_per_1000(rows: dict) -> None:
    assert _value(rows, "private_beds_per_1000", "K1", "2025") == (60, 6, "10000.00")


def test_village_doctors_per_1000(rows: dict) -> None:
    """K1: s4 (V1) is the one village doctor; licensed doctors s1 s3 s5 s8 are not counted."""
    assert _value(rows, "village_doctors_per_1000", "K1", "2025") == (1, 6, "166.67")


def test_township_public_health_staff_share_over_approved_posts(rows: dict) -> None:
    """T1: h1 in post (h2 left 03-01) over T1's 20 posts; K1: T1 20 + T2 10 posts; h3 at
    the hospital H1 is not counted."""
    ind = "township_public_health_staff_share"
    assert _value(rows, ind, "T1", "2025Q1") == (1, 20, "5.00")
    assert _value(rows, ind, "K1", "2025Q1") == (1, 30, "3.33")


def test_tcm_clinic_share_follows_the_register_versions(rows: dict) -> None:
    """T1 has a 中医馆; T2's opens on 2025-07-01 (a new version): 1 of 2, then 2 of 2."""
    assert _value(rows, "tcm_clinic_share", "K1", "2025Q1") == (1, 2, "50.00")
    assert _value(rows, "tcm_clinic_share", "K1", "2025") == (2, 2, "100.00")


def test_standard_village_clinic_share(rows: dict) -> None:
    """The city: V1 is standardised, V2 is not."""
    assert _value(rows, "standard_village_clinic_share", "C", "2025") == (1, 2, "50.00")


def test_upgraded_centre_share(rows: dict) -> None:
    """K1: T1 is upgraded, T2 is not (left blank)."""
    assert _value(rows, "upgraded_centre_share", "K1", "2025") == (1, 2, "50.00")

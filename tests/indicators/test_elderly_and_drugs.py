"""Hand-computed values of the last three indicator families of issue 14 §4 on the conftest
region: 老年人健康管理率 (catalogue/public_health.yaml), 村卫生室基本药物配备使用率 and
药品配送率 (catalogue/drugs.yaml).

Each boundary has a case that a flipped comparison would count wrongly: a resident turning 65
in the year's last month (counted) and one the month after (not), a check-up on 31 December
(that year, not the next), a clinic whose register version changes on the period end day
(the new version counts), an order delivered in full (delivered = purchased, 100%).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from conftest import health_checkups, like, lookup, region, residents, resources
from yigai.indicators import compute
from yigai.indicators.catalogue import load

D = dt.date
ELDERLY = "elderly_health_management_rate"
ESSENTIAL = "essential_drug_village_clinic_share"
DELIVERY = "drug_delivery_rate"
Rows = dict[tuple[str, str, str], dict[str, Any]]


def _value(rows: Rows, ind: str, org: str, period: str) -> tuple[int, int, str]:
    row = rows[(ind, org, period)]
    return row["numerator"], row["denominator"], row["value"]


def _added(table: pa.Table, extra: list[dict[str, Any]]) -> pa.Table:
    return pa.concat_tables([table, pa.Table.from_pylist(extra, table.schema)])


# ------------------------------------------------------------------ 老年人健康管理率


@pytest.fixture(scope="module")
def elderly() -> Rows:
    """The region plus residents of V1 (K1), registered 2020-01-01 like r5::

        a1 born 1960-12: 65 on 2025-12-31 (the birthday is the birth month's last day)
        a2 born 1961-01: 64 on 2025-12-31
        a3 born 1950-01: only a periodic check-up (not the elderly service)
        a4 born 1950-01: elderly check-up on 2024-12-31 (counts in 2024, not 2025)
        a5 born 1950-01: elderly check-ups on 2025-01-01 and 2025-11-30 (one person)
        a6 born 1950-01: elderly check-up 2025-05-01, left 2025-10-01 (no resident on 12-31)

    and an elderly check-up of x9, who is no resident.
    """
    tables = region()
    born = {"a1": D(1960, 12, 1), "a2": D(1961, 1, 1)}
    people = [
        like(residents(), "r5", person_id=p, home_unit_id="V1", birth_ym=born.get(p, D(1950, 1, 1)))
        for p in ("a1", "a2", "a3", "a4", "a5", "a6")
    ]
    people[-1]["left_on"] = D(2025, 10, 1)
    tables["residents"] = _added(tables["residents"], people)
    done = [
        ("c1", "a1", "elderly_annual", D(2025, 6, 1)),
        ("c2", "a2", "elderly_annual", D(2025, 6, 1)),
        ("c3", "a3", "periodic", D(2025, 6, 1)),
        ("c4", "a4", "elderly_annual", D(2024, 12, 31)),
        ("c5", "a5", "elderly_annual", D(2025, 1, 1)),
        ("c6", "a5", "elderly_annual", D(2025, 11, 30)),
        ("c7", "a6", "elderly_annual", D(2025, 5, 1)),
        ("c8", "x9", "elderly_annual", D(2025, 5, 1)),
    ]
    checkups = [
        like(health_checkups(), "h1", checkup_id=c, person_id=p, kind=k, checkup_date=day)
        for c, p, k, day in done
    ]
    tables["health_checkups"] = _added(tables["health_checkups"], checkups)
    periods = ("2024", "2025", "2025Q4")
    return lookup(compute(tables, periods, engine="duckdb", catalogue=load().select([ELDERLY])))


def test_elderly_rate_counts_residents_65_and_over_at_the_year_end(elderly: Rows) -> None:
    """K1 2025, 65+ on 12-31: r1 a1 a3 a4 a5 (a2 is 64, a6 left); managed in 2025: r1 (h1),
    a1, a5 (twice, once) — 3 of 5."""
    assert _value(elderly, ELDERLY, "K1", "2025") == (3, 5, "60.00")


def test_a_resident_turning_65_in_the_last_month_counts_and_one_the_month_after_does_not(
    elderly: Rows,
) -> None:
    """V1 alone: r1 a1 a3 a4 a5 in the denominator; a2 (born 1961-01, managed) in neither."""
    assert _value(elderly, ELDERLY, "V1", "2025") == (3, 5, "60.00")


def test_a_checkup_on_31_december_counts_in_that_year_only(elderly: Rows) -> None:
    """K1 2024, 65+ on 2024-12-31: r1 a3 a4 a5 a6 (a1 is 64 then); managed in 2024: a4."""
    assert _value(elderly, ELDERLY, "K1", "2024") == (1, 5, "20.00")


def test_elderly_rate_is_by_home_unit_not_where_the_checkup_was_done(elderly: Rows) -> None:
    """r8 (home V2 in K2) was checked at T1 (K1): K2 counts them, T1 has no row."""
    assert _value(elderly, ELDERLY, "K2", "2025") == (1, 1, "100.00")
    assert ("elderly_health_management_rate", "T1", "2025") not in elderly


def test_elderly_rate_is_computed_for_years_only(elderly: Rows) -> None:
    assert not [key for key in elderly if key[2] == "2025Q4"]


# ------------------------------------------------------------------ 村卫生室基本药物配备使用率


@pytest.fixture(scope="module")
def essential() -> Rows:
    """V2 starts using the essential drugs from 2025-03-31 (a 202503 period end) and V1 stops
    from 2025-04-01 (the day after the 2025Q1 end): new register versions."""
    tables = region()
    base = resources()
    later = [
        like(base, "V2", essential_drugs=True, version_from=D(2025, 3, 31)),
        like(base, "V1", essential_drugs=False, version_from=D(2025, 4, 1)),
    ]
    tables["resources"] = _added(base, later)
    periods = ("202502", "202503", "2025Q1", "202504")
    return lookup(compute(tables, periods, engine="duckdb", catalogue=load().select([ESSENTIAL])))


def test_essential_drug_share_of_the_region(rows: Rows) -> None:
    """The conftest register: V1 uses the essential drugs, V2 does not."""
    assert _value(rows, ESSENTIAL, "C", "2025") == (1, 2, "50.00")
    assert _value(rows, ESSENTIAL, "K1", "2025") == (1, 1, "100.00")
    assert _value(rows, ESSENTIAL, "K2", "2025") == (0, 1, "0.00")


def test_a_clinic_whose_flag_changes_on_the_period_end_day_counts_with_the_new_version(
    essential: Rows,
) -> None:
    assert _value(essential, ESSENTIAL, "V2", "202502") == (0, 1, "0.00")
    assert _value(essential, ESSENTIAL, "V2", "202503") == (1, 1, "100.00")


def test_a_change_the_day_after_the_period_end_does_not_count(essential: Rows) -> None:
    """On 2025-03-31 both clinics use them (V1 stops on 04-01); on 04-30 only V2."""
    assert _value(essential, ESSENTIAL, "C", "2025Q1") == (2, 2, "100.00")
    assert _value(essential, ESSENTIAL, "C", "202504") == (1, 2, "50.00")


def test_only_village_clinics_count(rows: Rows) -> None:
    """T1 and H1 are no village clinics: no row for them."""
    assert (ESSENTIAL, "T1", "2025") not in rows
    assert (ESSENTIAL, "H1", "2025") not in rows


# ------------------------------------------------------------------ 药品配送率


def test_delivery_rate_sums_primary_care_orders_in_fen(rows: Rows) -> None:
    """K1 2025Q1: d1 T1 92000/100000, d2 V1 50000/50000, d4 T2 0/30000 — the hospital's d3
    (100000/200000) is not primary care: 142000 ÷ 180000."""
    assert _value(rows, DELIVERY, "K1", "2025Q1") == (142000, 180000, "78.89")
    assert _value(rows, DELIVERY, "K1", "2025") == (152000, 190000, "80.00")  # + d5 in April
    assert (DELIVERY, "H1", "2025") not in rows


def test_an_order_delivered_in_full_is_100_percent(rows: Rows) -> None:
    assert _value(rows, DELIVERY, "V1", "202502") == (50000, 50000, "100.00")


def test_delivery_rate_counts_an_order_in_the_period_of_its_order_date(rows: Rows) -> None:
    """d4 (T2, ordered 2025-03-31, nothing delivered) is March's; d5 (T1, 04-01) April's."""
    assert _value(rows, DELIVERY, "T2", "202503") == (0, 30000, "0.00")
    assert _value(rows, DELIVERY, "T1", "202504") == (10000, 10000, "100.00")
    assert (DELIVERY, "T1", "202503") not in rows


def test_delivery_rate_rolls_up_through_the_dated_communities(rows: Rows) -> None:
    """T1 is in M1 until 2025-04-01, then in M2: d1 counts for M1, d5 for M2."""
    assert _value(rows, DELIVERY, "M1", "2025") == (142000, 150000, "94.67")
    assert _value(rows, DELIVERY, "M2", "2025") == (10000, 40000, "25.00")
    assert _value(rows, DELIVERY, "C", "2025") == (188000, 230000, "81.74")

"""Stocks on the boundary of a period end (时点数的期末边界), on DuckDB.

A stock counts in a period when it is active at the end of the period's last day
(docs/indicators.md, "Stocks"): a resident who leaves (迁出/死亡), a staff member who leaves
(离职) or a chronic case closed (结案) ON the period end is gone by then and not counted; a
contract whose last valid day (到期日期) is the period end is still valid and counted; whoever
is registered, joins, starts management or starts a contract on the period end is counted.

The region's org units, with the four stock record sets replaced by rows that sit exactly on
a month end (2025-02-28), a quarter end (2025-06-30) and the year end (2025-12-31); the
register starts on a quarter end (2025-03-31). All in K1, residents and cases at V1, staff
at T1 (both primary), all from before 2025 unless noted::

    residents  b0 stays   b1 left 02-28   b2 left 06-30   b3 left 12-31   b4 registered 03-31
    staff      w0 stays   w1 left 02-28   w2 left 06-30   w3 left 12-31   w4 joined 03-31
    cases      h0 open    h1 closed 02-28 h2 closed 06-30 h3 closed 12-31 h4 managed 03-31
    contracts  m1 b0 2024-03-01…2025-02-28   m2 b4 2025-03-31…2025-06-30
               m3 b0 2025-07-01…2025-12-31

Each stock then counts, at the period ends below (b, w and h alike)::

    2025-01-31 (202501)           0 1 2 3    = 4
    2025-02-28 (202502)           0   2 3    = 3   (1 left that day)
    2025-03-31 (202503, 2025Q1)   0   2 3 4  = 4   (4 starts that day)
    2025-06-30 (202506, 2025Q2)   0     3 4  = 3   (2 left that day)
    2025-11-30 (202511)           0     3 4  = 3
    2025-12-31 (202512, 2025)     0       4  = 2   (3 left that day)

and one contract is valid at each of them: m1 (to 02-28) in 202501 and 202502, m2 (03-31 to
06-30) in 202503, 2025Q1, 202506 and 2025Q2, m3 in 202511, 202512 and 2025.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from conftest import D, chronic_cases, contracts, like, lookup, region, residents, staff
from yigai.indicators import catalogue, compute

pytestmark = pytest.mark.xdist_group("period_ends")  # one worker computes the fixture once

MONTH_END, QUARTER_END, YEAR_END = D(2025, 2, 28), D(2025, 6, 30), D(2025, 12, 31)
STARTS_ON = D(2025, 3, 31)  # the end of 2025Q1: b4, w4, h4 and m2 start that day

#: (period, expected stock at its end) — the table in the module docstring.
STOCK = [
    ("202501", 4),
    ("202502", 3),
    ("202503", 4),
    ("2025Q1", 4),
    ("202506", 3),
    ("2025Q2", 3),
    ("202511", 3),
    ("202512", 2),
    ("2025", 2),
]


def _ends(prefix: str) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """(id, start or None for the default, end) for the five rows of one stock."""
    return [
        (f"{prefix}0", None, None),
        (f"{prefix}1", None, MONTH_END),
        (f"{prefix}2", None, QUARTER_END),
        (f"{prefix}3", None, YEAR_END),
        (f"{prefix}4", STARTS_ON, None),
    ]


def _tables() -> dict[str, pa.Table]:
    # r5 and s3 are region rows with nothing special (an adult resident, a T1 doctor).
    res = [
        like(residents(), "r5", person_id=pid, home_unit_id="V1", left_on=end,
             **({"registered_on": start} if start else {}))
        for pid, start, end in _ends("b")
    ]  # fmt: skip
    stf = [
        like(staff(), "s3", staff_id=sid, left_on=end, **({"joined_on": start} if start else {}))
        for sid, start, end in _ends("w")
    ]
    cases = [
        like(chronic_cases(), "k1", case_id=cid, person_id="b0", institution_id="V1",
             closed_on=end, **({"managed_from": start, "confirmed_on": start} if start else {}))
        for cid, start, end in _ends("h")
    ]  # fmt: skip
    con = [
        like(contracts(), "c1", contract_id=cid, person_id=pid, institution_id="V1",
             signed_on=start, valid_from=start, valid_to=end)
        for cid, pid, start, end in [
            ("m1", "b0", D(2024, 3, 1), MONTH_END),
            ("m2", "b4", STARTS_ON, QUARTER_END),
            ("m3", "b0", D(2025, 7, 1), YEAR_END),
        ]
    ]  # fmt: skip
    rows = {"residents": res, "staff": stf, "chronic_cases": cases, "contracts": con}
    return {**region(), **{k: pa.Table.from_pylist(v) for k, v in rows.items()}}


@pytest.fixture(scope="module")
def stocks() -> dict[tuple[str, str, str], dict[str, Any]]:
    cat = catalogue.default().select(
        ["general_contract_rate", "primary_staff_per_1000", "chronic_primary_management_rate"]
    )
    return lookup(compute(_tables(), [p for p, _ in STOCK], catalogue=cat))


def _side(rows: dict[tuple[str, str, str], dict[str, Any]], ind: str, period: str, side: str):
    return rows[(ind, "K1", period)][side]


@pytest.mark.parametrize(("period", "expected"), STOCK)
def test_resident_leaving_on_a_period_end_is_not_in_its_stock(stocks, period, expected) -> None:
    """常住人口: the denominator of 一般人群签约率 (all residents of K1 at the period end)."""
    assert _side(stocks, "general_contract_rate", period, "denominator") == expected


@pytest.mark.parametrize(("period", "expected"), STOCK)
def test_staff_leaving_on_a_period_end_is_not_in_post(stocks, period, expected) -> None:
    """基层卫生人员: the numerator of 每千人口基层卫生人员数 (T1 is a township centre)."""
    assert _side(stocks, "primary_staff_per_1000", period, "numerator") == expected


@pytest.mark.parametrize(("period", "expected"), STOCK)
def test_case_closed_on_a_period_end_is_not_under_management(stocks, period, expected) -> None:
    """慢病管理: the denominator of 慢病患者基层管理率 (distinct cases by home unit)."""
    assert _side(stocks, "chronic_primary_management_rate", period, "denominator") == expected


@pytest.mark.parametrize("period", [p for p, _ in STOCK])
def test_contract_is_valid_through_its_last_day(stocks, period) -> None:
    """签约: one contract is valid at every end listed — m1 on its last day (a month end),
    m2 from its first day to its last (both quarter ends), m3 to its last day (the year end)."""
    assert _side(stocks, "general_contract_rate", period, "numerator") == 1

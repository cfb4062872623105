"""门诊统筹按人头付费: who counts, where the money goes, monthly amounts."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.policy.capitation import CapitationParams, capitation_payments
from yigai.policy.dip import PaymentInputError

D = dt.date
PARAMS = CapitationParams(rates=((D(2020, 1, 1), 6000), (D(2024, 7, 1), 7200)))


def residents(rows: list[tuple]) -> pa.Table:
    """(person, home unit, scheme, registered_on, left_on)."""
    return pa.table(
        {
            "person_id": [r[0] for r in rows],
            "home_unit_id": [r[1] for r in rows],
            "scheme": [r[2] for r in rows],
            "registered_on": pa.array([r[3] for r in rows], pa.date32()),
            "left_on": pa.array([r[4] for r in rows], pa.date32()),
        }
    )


def contracts(rows: list[tuple]) -> pa.Table:
    """(person, institution, signed_on, valid_from, valid_to)."""
    return pa.table(
        {
            "person_id": [r[0] for r in rows],
            "institution_id": [r[1] for r in rows],
            "signed_on": pa.array([r[2] for r in rows], pa.date32()),
            "valid_from": pa.array([r[3] for r in rows], pa.date32()),
            "valid_to": pa.array([r[4] for r in rows], pa.date32()),
        }
    )


PEOPLE = residents(
    [
        ("p1", "V1", "resident", D(2000, 1, 1), None),
        ("p2", "V1", "resident", D(2000, 1, 1), D(2024, 3, 10)),  # left in March
        ("p3", "V2", "resident", D(2024, 2, 5), None),  # arrived in February
        ("p4", "V2", "employee", D(2000, 1, 1), None),  # employee scheme: not counted
    ]
)


def _cell(table: pa.Table, month: int, institution: str) -> dict | None:
    for row in table.to_pylist():
        if (row["month"], row["institution_id"]) == (month, institution):
            return row
    return None


def test_rate_in_force_follows_the_dated_values() -> None:
    assert PARAMS.rate_on(D(2024, 6, 1)) == 6000
    assert PARAMS.rate_on(D(2024, 7, 1)) == 7200
    with pytest.raises(ValueError, match="2019-12-01"):
        PARAMS.rate_on(D(2019, 12, 1))


def test_residents_on_the_first_of_the_month_are_paid_to_their_home_unit() -> None:
    """January: p1, p2 at V1 → 2 × 6000 ÷ 12 = 1000 fen; p3 not yet registered; p4 an employee."""
    table = capitation_payments(PEOPLE, 2024, PARAMS)
    assert _cell(table, 202401, "V1")["residents"] == 2
    assert _cell(table, 202401, "V1")["amount_fen"] == 1000
    assert _cell(table, 202401, "V2") is None


def test_arrivals_count_from_the_next_month_and_leavers_until_they_leave() -> None:
    """p3 registered 5 Feb → counted from March; p2 left 10 March → counted in March, not April."""
    table = capitation_payments(PEOPLE, 2024, PARAMS)
    assert _cell(table, 202402, "V2") is None
    assert _cell(table, 202403, "V2")["residents"] == 1
    assert _cell(table, 202403, "V1")["residents"] == 2
    assert _cell(table, 202404, "V1")["residents"] == 1


def test_contracted_residents_are_paid_to_the_family_doctor_institution() -> None:
    """p1 contracted with township centre T1 for 2024 → T1 gets p1, V1 keeps p2."""
    deals = contracts([("p1", "T1", D(2023, 12, 20), D(2024, 1, 1), D(2024, 12, 31))])
    table = capitation_payments(PEOPLE, 2024, PARAMS, contracts=deals)
    assert _cell(table, 202401, "T1")["residents"] == 1
    assert _cell(table, 202401, "V1")["residents"] == 1


def test_latest_signed_contract_wins_when_two_are_valid() -> None:
    deals = contracts(
        [
            ("p1", "T1", D(2023, 1, 1), D(2023, 1, 1), D(2025, 12, 31)),
            ("p1", "T2", D(2023, 12, 1), D(2024, 1, 1), D(2024, 12, 31)),
        ]
    )
    table = capitation_payments(PEOPLE, 2024, PARAMS, contracts=deals)
    assert _cell(table, 202401, "T2")["residents"] == 1
    assert _cell(table, 202401, "T1") is None


def test_new_rate_applies_from_its_month() -> None:
    """July onwards 7200 a year: p1 alone at V1 → 7200 ÷ 12 = 600 fen."""
    table = capitation_payments(PEOPLE, 2024, PARAMS)
    assert _cell(table, 202406, "V1")["amount_fen"] == 500
    assert _cell(table, 202407, "V1")["amount_fen"] == 600


def test_monthly_amount_rounds_half_up_per_institution() -> None:
    """May, p1 alone at V1: rate 1001 → 1001 ÷ 12 = 83.4167 → 83; rate 1002 → 83.5 → 84 (half up)."""
    params = CapitationParams(rates=((D(2020, 1, 1), 1001),))
    one = capitation_payments(PEOPLE, 2024, params)
    assert _cell(one, 202405, "V1")["amount_fen"] == 83
    half = CapitationParams(rates=((D(2020, 1, 1), 1002),))
    assert _cell(capitation_payments(PEOPLE, 2024, half), 202405, "V1")["amount_fen"] == 84


@pytest.mark.parametrize(("rate", "expected"), [(6, 1), (1014, 85)])
def test_half_a_fen_a_month_rounds_up_not_to_even(rate: int, expected: int) -> None:
    """May, p1 alone at V1: 6 ÷ 12 = 0.5 → 1 and 1014 ÷ 12 = 84.5 → 85 (half up; banker's
    rounding would give 0 and 84)."""
    params = CapitationParams(rates=((D(2020, 1, 1), rate),))
    assert _cell(capitation_payments(PEOPLE, 2024, params), 202405, "V1")["amount_fen"] == expected


def test_rows_name_the_community_of_the_institution() -> None:
    members = pa.table(
        {
            "community_id": ["C1"],
            "institution_id": ["V1"],
            "valid_from": pa.array([D(2023, 1, 1)], pa.date32()),
            "valid_to": pa.array([None], pa.date32()),
        }
    )
    table = capitation_payments(PEOPLE, 2024, PARAMS, members=members)
    assert _cell(table, 202401, "V1")["community_id"] == "C1"
    assert _cell(table, 202403, "V2")["community_id"] is None


def test_duplicate_residents_are_rejected() -> None:
    twice = residents([("p1", "V1", "resident", D(2000, 1, 1), None)] * 2)
    with pytest.raises(PaymentInputError, match="residents 第 2 行 列 person_id"):
        capitation_payments(twice, 2024, PARAMS)


def test_missing_column_is_named() -> None:
    with pytest.raises(PaymentInputError, match="scheme"):
        capitation_payments(PEOPLE.drop_columns(["scheme"]), 2024, PARAMS)


@settings(max_examples=15, deadline=None)
@given(
    people=st.lists(
        st.tuples(
            st.sampled_from(["V1", "V2", "V3"]),
            st.integers(0, 30),
            st.one_of(st.none(), st.integers(0, 400)),
        ),
        min_size=1,
        max_size=30,
    ),
    rate=st.integers(0, 100_000),
)
def test_every_insured_resident_is_paid_once_a_month(people: list, rate: int) -> None:
    """Invariant: each month the residents counted equal those registered on the 1st, and each
    institution's amount is fen(rate × residents ÷ 12).
    """
    start = D(2024, 1, 1)
    rows = [
        (
            f"p{i}",
            unit,
            "resident",
            start + dt.timedelta(days=arrive * 10),
            None if stay is None else start + dt.timedelta(days=stay),
        )
        for i, (unit, arrive, stay) in enumerate(people)
    ]
    rows = [r if r[4] is None or r[4] > r[3] else (*r[:4], None) for r in rows]
    table = capitation_payments(
        residents(rows), 2024, CapitationParams(rates=((D(2020, 1, 1), rate),))
    )
    for month in range(1, 13):
        first = D(2024, month, 1)
        expected = sum(1 for r in rows if r[3] <= first and (r[4] is None or r[4] > first))
        cells = [r for r in table.to_pylist() if r["month"] == 202400 + month]
        assert sum(c["residents"] for c in cells) == expected
        for c in cells:
            exact = Decimal(rate * c["residents"]) / 12
            assert c["amount_fen"] == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

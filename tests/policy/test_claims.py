"""The CLAIMS record set: registered with the others, partitioned by month, checks that bite."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from yigai.policy.claims import CLAIMS
from yigai.records import schemas


def _row(**overrides: object) -> pa.Table:
    row: dict[str, object] = {
        "encounter_id": "e1",
        "person_id": "p1",
        "institution_id": "H1",
        "event_date": dt.date(2024, 3, 1),
        "year": 2024,
        "care_type": "inpatient",
        "level": "county",
        "in_county": True,
        "cost_total_fen": 1_000,
        "eligible_fen": 900,
        "deductible_fen": 100,
        "fund_fen": 600,
        "critical_fen": 0,
        "assistance_fen": 0,
        "patient_fen": 400,
        "scheme_region": "r",
        "scheme_version": "r@2024-01-01",
    }
    row.update(overrides)
    fields = [f.arrow_field() for f in CLAIMS.fields]
    return pa.table({f.name: pa.array([row[f.name]], f.type) for f in fields})


def test_claims_is_a_registered_record_set() -> None:
    assert schemas.get("claims") is CLAIMS
    assert schemas.ALL[-1] is CLAIMS


def test_claims_are_partitioned_by_event_month() -> None:
    assert CLAIMS.partition_by == "event_date"
    assert CLAIMS.arrow_schema().field("month").type == pa.int32()


def test_a_split_that_does_not_add_up_is_caught() -> None:
    check = next(c for c in CLAIMS.checks if c.column == "patient_fen")
    assert check.bad_rows(_row()).to_pylist() == [False]
    assert check.bad_rows(_row(patient_fen=401)).to_pylist() == [True]


def test_eligible_above_total_is_caught() -> None:
    check = next(c for c in CLAIMS.checks if c.column == "eligible_fen")
    assert check.bad_rows(_row(eligible_fen=1_001)).to_pylist() == [True]

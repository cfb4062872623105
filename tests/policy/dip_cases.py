"""Inpatient cases for the DIP tests, written as tuples so worked examples stay readable."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

D = dt.date

#: The worked example's three years of history (2021–2023), the DIP catalogue is built from:
#: hand-computed in test_dip_catalogue.py's docstrings, and scored against in
#: test_dip_settlement.py.
BASE = [
    ("a1", "H1", "county", D(2021, 3, 1), "K35.8", "47.09", 100000),
    ("a2", "H1", "county", D(2021, 4, 1), "K35.8", "47.09", 140000),
    ("b1", "T1", "township", D(2021, 3, 1), "I10", None, 40000),
    ("b2", "H1", "county", D(2021, 5, 1), "I10", None, 40000),
    ("a3", "H1", "county", D(2022, 3, 1), "K35.8", "47.09", 150000),
    ("b3", "T1", "township", D(2022, 3, 1), "I10", None, 50000),
    ("b4", "H1", "county", D(2022, 6, 1), "I10", None, 30000),
    ("c1", "H1", "county", D(2022, 7, 1), "J18.0", "96.04", 90000),
    ("a4", "H1", "county", D(2023, 3, 1), "K35.8", "47.09", 160000),
    ("a5", "H1", "county", D(2023, 4, 1), "K35.8", "47.09", 200000),
    ("b5", "T1", "township", D(2023, 3, 1), "I10", None, 50000),
    ("b6", "H1", "county", D(2023, 5, 1), "I10", None, 50000),
    ("c2", "H1", "county", D(2023, 7, 1), "J18.1", "96.04", 100000),
]


def cases_table(rows: list[tuple]) -> pa.Table:
    """(encounter, institution, level, date, diagnosis, procedure, cost fen) → encounters-like table."""
    return pa.table(
        {
            "encounter_id": [r[0] for r in rows],
            "institution_id": [r[1] for r in rows],
            "level": [r[2] for r in rows],
            "event_date": pa.array([r[3] for r in rows], pa.date32()),
            "diagnosis_code": [r[4] for r in rows],
            "procedure_code": pa.array([r[5] for r in rows], pa.string()),
            "cost_total_fen": pa.array([r[6] for r in rows], pa.int64()),
            "care_type": ["inpatient"] * len(rows),
        }
    )

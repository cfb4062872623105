"""Inpatient cases for the DIP tests, written as tuples so worked examples stay readable."""

from __future__ import annotations

import pyarrow as pa


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

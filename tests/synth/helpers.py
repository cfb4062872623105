"""Test helpers: collect a generated region into tables, and a schema validator."""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc

from yigai.records.fields import RecordSet
from yigai.synth import SynthConfig, iter_pieces

KEY = b"synth-test-key"
#: Calibration tests need enough people for stable shares, yet a run of seconds.
CALIBRATION_CONFIG = SynthConfig(residents_per_county=20_000, years=(2024, 2025), seed=2025)


def collect(config: SynthConfig) -> dict[str, pa.Table]:
    parts: dict[str, list[pa.Table]] = defaultdict(list)
    for piece in iter_pieces(config, key=KEY):
        parts[piece.record_set].append(piece.table)
    return {name: pa.concat_tables(tables) for name, tables in parts.items()}


def problems(record_set: RecordSet, table: pa.Table) -> list[str]:
    """Everything in ``table`` that breaks ``record_set``'s rules (empty when valid)."""
    found: list[str] = []
    if not table.schema.equals(record_set.arrow_schema()):
        found.append(f"schema differs: {table.schema} vs {record_set.arrow_schema()}")
        return found
    for f in record_set.fields:
        col = table[f.name]
        if f.required and col.null_count:
            found.append(f"{f.name}: {col.null_count} nulls")
        if f.choices is not None:
            bad = pc.sum(pc.invert(pc.is_in(col.drop_null(), pa.array(f.choices)))).as_py() or 0
            if bad:
                found.append(f"{f.name}: {bad} values outside {f.choices}")
        present = col.null_count < len(col)
        if f.min is not None and present and pc.min(col).as_py() < f.min:
            found.append(f"{f.name}: below {f.min}")
        if f.max is not None and present and pc.max(col).as_py() > f.max:
            found.append(f"{f.name}: above {f.max}")
    keys = table.select(list(record_set.key)).group_by(list(record_set.key)).aggregate([])
    if keys.num_rows != table.num_rows:
        found.append(f"key {record_set.key} not unique")
    for check in record_set.checks:
        bad = pc.sum(pc.cast(check.bad_rows(table), pa.int64())).as_py() or 0
        if bad:
            found.append(f"{check.column}: {bad} rows break '{check.en}'")
    return found

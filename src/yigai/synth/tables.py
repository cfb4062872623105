"""Helpers that turn generated numpy columns into Arrow tables of a record set's stored schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.records.fields import MONTH_COLUMN, RecordSet

EPOCH = dt.date(1970, 1, 1)

#: Stream numbers that keep each kind of random draw independent of the others, so adding
#: a column to one generator does not shift the draws of another.
STREAMS = {
    "region": 1,
    "staff": 2,
    "people": 3,
    "contracts": 4,
    "care": 5,
    "chronic": 6,
    "followups": 7,
    "county_effect": 8,
    "resources": 9,
    "checkups": 10,
    "drugs": 11,
}


def half_up(x: float) -> int:
    """``x`` rounded half up to an integer (Python's ``round`` rounds half to even)."""
    return int(Decimal(repr(float(x))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rng(seed: int, stream: str, *parts: int) -> np.random.Generator:
    """An independent generator for (seed, stream, county, year, chunk …): deterministic."""
    return np.random.default_rng(np.random.SeedSequence([seed, STREAMS[stream], *parts]))


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (Arrow ``date32``)."""
    return (day - EPOCH).days


def dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """``date32`` from int day numbers; ``mask`` True marks nulls."""
    arr = pa.array(np.asarray(days, dtype=np.int32), mask=mask)
    return arr.cast(pa.date32())


def padded(prefix: str, seq: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded sequence numbers, built in Arrow (fast for millions)."""
    text = pc.utf8_lpad(pa.array(np.asarray(seq, dtype=np.int64)).cast(pa.string()), width, "0")
    if not prefix:
        return text
    return pc.binary_join_element_wise(pa.scalar(prefix), text, "")


def pick(values: Sequence[str] | np.ndarray | pa.Array, index: np.ndarray) -> pa.Array:
    """``values[index]`` as an Arrow string array."""
    source = values if isinstance(values, pa.Array) else pa.array(list(values), pa.string())
    return source.take(pa.array(np.asarray(index, dtype=np.int64)))


def to_table(record_set: RecordSet, columns: Mapping[str, Any]) -> pa.Table:
    """A table with exactly ``record_set.arrow_schema()``: missing optional columns are null,
    the ``month`` partition column is derived from the partition date."""
    schema = record_set.arrow_schema()
    lengths = {len(v) for v in columns.values()}
    if len(lengths) != 1:
        raise ValueError(f"{record_set.name}: columns differ in length {sorted(lengths)}")
    (n,) = lengths
    arrays: list[pa.Array] = []
    for f in schema:
        if f.name == MONTH_COLUMN and record_set.partition_by:
            continue
        if f.name in columns:
            value = columns[f.name]
            arr = value if isinstance(value, (pa.Array, pa.ChunkedArray)) else pa.array(value)
            arrays.append(arr.cast(f.type))
        else:
            if not f.nullable:
                raise ValueError(f"{record_set.name}: required column {f.name} not generated")
            arrays.append(pa.nulls(n, f.type))
    names = [f.name for f in schema if not (f.name == MONTH_COLUMN and record_set.partition_by)]
    table = pa.Table.from_arrays(arrays, names=names)
    if record_set.partition_by:
        when = table[record_set.partition_by]
        month = pc.add(pc.multiply(pc.year(when), 100), pc.month(when)).cast(pa.int32())
        table = table.append_column(schema.field(MONTH_COLUMN), month)
    return table.cast(schema)

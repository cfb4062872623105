"""Dated versions of registry rows (登记簿版本): which version of an entity is in force on a day.

A versioned record set (``RecordSet.versioned``: org units, residents, staff) is corrected by
importing a new version of a row — same id, a later ``version_from`` (版本生效日期) — never by
editing a stored one. A version is in force from its ``version_from`` to the day before the
entity's next version (both inclusive); the last runs to 9999-12-31. A version with a
``retired_reason`` (注销原因) retires the entity: from its ``version_from`` the entity is in no
stock, roll-up or list, while its earlier versions stay readable. A row given without
``version_from`` is the entity's first version, in force "since ever" (1900-01-01): the
entity's own dates (登记、入职、迁出) still say when it counts.

These functions are the one rule for "the registry as of a day" on Arrow tables; the indicator
engine hands :func:`spans` to its views, which compare ``version_from``/``version_to`` with a
date in Ibis (:func:`yigai.indicators.views.in_force`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.records.fields import RETIRED_REASON, VERSION_FROM

BEGINNING = dt.date(1900, 1, 1)
END_OF_TIME = dt.date(9999, 12, 31)
#: The column :func:`spans` adds: the last day (inclusive) a version is in force.
VERSION_TO = "version_to"


def filled(table: pa.Table) -> pa.Table:
    """``table`` with ``version_from`` (null → 1900-01-01) and ``retired_reason`` columns,
    added when absent (a table built before versions existed is one version per entity)."""
    n = table.num_rows
    if VERSION_FROM in table.column_names:
        i = table.column_names.index(VERSION_FROM)
        column = pc.fill_null(table[VERSION_FROM], pa.scalar(BEGINNING, pa.date32()))
        table = table.set_column(i, pa.field(VERSION_FROM, pa.date32()), column)
    else:
        table = table.append_column(
            VERSION_FROM, pa.array(np.full(n, BEGINNING, dtype="datetime64[D]"), pa.date32())
        )
    if RETIRED_REASON not in table.column_names:
        table = table.append_column(RETIRED_REASON, pa.nulls(n, pa.string()))
    return table


def _entity(table: pa.Table, key: Sequence[str]) -> pa.ChunkedArray | pa.Array:
    if len(key) == 1:
        return table[key[0]]
    return pc.binary_join_element_wise(*[pc.cast(table[k], pa.string()) for k in key], "\x1f")


def spans(table: pa.Table, key: Sequence[str]) -> pa.Table:
    """The versions in force at some time, each with ``version_to`` (the day before the
    entity's next version; 9999-12-31 for its last). Retired versions are dropped: they only
    end the version before them."""
    table = filled(table)
    busy = versioned_rows(table, key)
    plain = table.filter(pc.invert(busy))
    end = pa.array(np.full(plain.num_rows, END_OF_TIME, dtype="datetime64[D]"), pa.date32())
    plain = plain.append_column(VERSION_TO, end)
    busy_rows = table.filter(busy)
    if busy_rows.num_rows == 0:
        return plain
    return pa.concat_tables([plain, _ordered_spans(busy_rows, key)])


def versioned_rows(table: pa.Table, key: Sequence[str]) -> pa.ChunkedArray | pa.Array:
    """Mask of the rows whose entity has several versions or a retirement: the only ones
    :func:`spans` has to order (usually a few). Reads only ``key`` and ``retired_reason``,
    so a caller can decide on those columns alone (``table`` may hold nothing else)."""
    entity = _entity(table, key)
    counts = pc.value_counts(entity)
    several = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    retired = pc.is_valid(table[RETIRED_REASON])
    gone = pc.filter(entity, retired)
    gone = gone.combine_chunks() if isinstance(gone, pa.ChunkedArray) else gone
    return pc.is_in(entity, value_set=pa.concat_arrays([several, gone.cast(several.type)]))


def _ordered_spans(table: pa.Table, key: Sequence[str]) -> pa.Table:
    """:func:`spans` of entities with several versions: ordered, each ending where the next
    begins."""
    n = table.num_rows
    order = [(k, "ascending") for k in (*key, VERSION_FROM)]
    table = table.take(pc.sort_indices(table, sort_keys=order))
    same = np.ones(max(n - 1, 0), dtype=bool)
    for k in key:
        column = table[k]
        same &= np.asarray(
            pc.fill_null(pc.equal(column.slice(0, n - 1), column.slice(1)), False), dtype=bool
        )
    starts = np.asarray(table[VERSION_FROM].to_numpy(), dtype="datetime64[D]")
    end = np.full(n, END_OF_TIME, dtype="datetime64[D]")
    end[:-1] = np.where(same, starts[1:] - np.timedelta64(1, "D"), end[:-1])
    table = table.append_column(VERSION_TO, pa.array(end, pa.date32()))
    return table.filter(pc.is_null(table[RETIRED_REASON]))


def in_force(table: pa.Table, key: Sequence[str], day: dt.date | None = None) -> pa.Table:
    """The version of each entity in force on ``day`` (None: its latest version), without
    ``version_to``; a retired entity is absent."""
    s = spans(table, key)
    if day is None:
        mask = pc.equal(s[VERSION_TO], pa.scalar(END_OF_TIME, pa.date32()))
    else:
        d = pa.scalar(day, pa.date32())
        mask = pc.and_(pc.less_equal(s[VERSION_FROM], d), pc.greater_equal(s[VERSION_TO], d))
    return s.filter(mask).drop_columns([VERSION_TO])


def breaks(table: pa.Table) -> list[dt.date]:
    """The distinct days some version starts (always including 1900-01-01), ascending."""
    days = set(pc.unique(filled(table)[VERSION_FROM]).to_pylist())
    return sorted(days | {BEGINNING})


def read_in_force(
    wh: Any,
    name: str,
    day: dt.date | None = None,
    columns: list[str] | None = None,
    **read: Any,
) -> pa.Table:
    """``wh.read`` (a :class:`yigai.warehouse.Warehouse`) of a versioned registry, one row per
    entity: the version in force on ``day`` (None: the latest; retired entities absent). For
    readers that want the registry as of a day rather than its history."""
    from yigai.records import schemas  # schemas imports the policy package, which reads here

    key = schemas.get(name).key
    wanted = None
    if columns is not None:
        wanted = list(dict.fromkeys([*columns, *key, VERSION_FROM, RETIRED_REASON]))
    table = in_force(wh.read(name, columns=wanted, **read), key, day)
    return table if columns is None else table.select(columns)

"""Reported values in the indicator result-table shape, and merging them with computed ones.

The result table (docs/CONTRACTS.md, indicator engine): one row per indicator × org unit ×
period with ``indicator_id, org_id, period_id, grain, numerator, denominator, value, source``.
Reported rows carry ``source = "reported"`` so every report can show which numbers were typed
in by a county rather than computed from records.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select
from sqlalchemy.orm import Session

from yigai import periods as P
from yigai.indicators.values import RESULT_SCHEMA
from yigai.store import ReportedValue

KEY = ["indicator_id", "org_id", "period_id"]


def reported_values(session: Session, periods: Iterable[str | P.Period]) -> pa.Table:
    """The values in force (current revisions) for ``periods``, as a result table."""
    ids = sorted({p.id if isinstance(p, P.Period) else P.parse(p).id for p in periods})
    rows = session.execute(
        select(
            ReportedValue.indicator_id,
            ReportedValue.org_id,
            ReportedValue.period_id,
            ReportedValue.grain,
            ReportedValue.numerator,
            ReportedValue.denominator,
            ReportedValue.value,
        )
        .where(ReportedValue.is_current.is_(True), ReportedValue.period_id.in_(ids))
        .order_by(ReportedValue.indicator_id, ReportedValue.org_id, ReportedValue.period_id)
    ).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    arrays = [pa.array(list(c), type=f.type) for c, f in zip(columns, RESULT_SCHEMA, strict=False)]
    arrays.append(pa.array(["reported"] * len(rows), type=pa.string()))
    return pa.Table.from_arrays(arrays, schema=RESULT_SCHEMA)


def merge(computed: pa.Table, reported: pa.Table) -> pa.Table:
    """Computed rows, plus reported rows for the keys computed does not have (补充上报数).

    A computed row always wins, even with a null value (denominator 0): a county's records
    that show nothing happened are evidence, and are not overridden by a typed number. Reported
    rows keep ``source = "reported"``. The result is sorted by indicator, org unit, period.
    """
    computed = computed.select(RESULT_SCHEMA.names).cast(RESULT_SCHEMA)
    reported = reported.select(RESULT_SCHEMA.names).cast(RESULT_SCHEMA)
    reported = reported.set_column(
        RESULT_SCHEMA.get_field_index("source"),
        RESULT_SCHEMA.field("source"),
        pa.array(["reported"] * reported.num_rows, type=pa.string()),
    )
    have = pc.binary_join_element_wise(*(computed[k] for k in KEY), "\x1f")
    offered = pc.binary_join_element_wise(*(reported[k] for k in KEY), "\x1f")
    missing = pc.invert(pc.is_in(offered, value_set=have))
    merged = pa.concat_tables([computed, reported.filter(missing)])
    return merged.sort_by([(k, "ascending") for k in KEY])

"""Small helpers of the vectorised adjudication: column access, grouped running totals,
the first bad row as a :class:`~yigai.policy.adjudication.ClaimError`, code look-ups, and
the years of a column of days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.policy.adjudication import ClaimError
from yigai.policy.claim_order import one_array

EPOCH = dt.date(1970, 1, 1)


def numpy_of(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return one_array(col).to_numpy(zero_copy_only=False)


def group_cumsum(
    x: np.ndarray, starts: np.ndarray, lengths: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """Running totals of ``x`` restarting at each of ``starts`` (``out`` must not be ``x``)."""
    cs = np.cumsum(x, out=out)
    cs -= np.repeat(cs[starts] - x[starts], lengths)
    return cs


def group_diff(c: np.ndarray, starts: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The steps of running totals ``c`` that restart at each of ``starts``."""
    d = np.empty_like(c) if out is None else out
    np.subtract(c[1:], c[:-1], out=d[1:])
    d[starts] = c[starts]
    return d


def first_bad(
    table: pa.Table,
    mask: np.ndarray,
    column: str,
    zh: str,
    en: str,
    order: np.ndarray | None = None,
    *,
    quote: bool = False,
) -> None:
    """Raise for the first row where ``mask`` holds (rows in claim order when ``order``
    given); ``quote``: name the row's value of ``column``, as the scalar path does."""
    if mask.any():
        row = int(np.flatnonzero(mask)[0])
        if order is not None:
            row = int(order[row])
        if quote:
            value = table[column][row].as_py()
            zh, en = f"{zh} {value!r}", f"{en} {value!r}"
        raise ClaimError(str(table["encounter_id"][row]), column, zh, en)


def bool_column(t: pa.Table, name: str) -> np.ndarray:
    if name not in t.column_names:
        return np.zeros(t.num_rows, dtype=bool)
    return numpy_of(t[name].fill_null(False)).astype(bool, copy=False)


def codes(col: pa.ChunkedArray, values: list[str]) -> np.ndarray:
    """Each row's index in ``values`` (-1: not among them). A dictionary column (as the
    warehouse stores care types and levels) is looked up through its few dictionary values
    instead of row by row."""
    arr = one_array(col)
    if pa.types.is_dictionary(arr.type):
        found = pc.index_in(arr.dictionary.cast(pa.string()), value_set=pa.array(values))
        return numpy_of(found.fill_null(-1)).astype(np.int32)[numpy_of(arr.indices)]
    return numpy_of(pc.index_in(arr, value_set=pa.array(values)).fill_null(-1))


def count_below(edges: np.ndarray, values: np.ndarray, *, inclusive: bool = False) -> np.ndarray:
    """How many ``edges`` (ascending) lie below each value (or at it, when ``inclusive``): a
    ``searchsorted``, done as a few comparisons when there are few edges (several times faster
    than numpy's per-element binary search)."""
    if edges.size > 8:
        return np.searchsorted(edges, values, side="right" if inclusive else "left")
    count = np.zeros(values.shape, dtype=np.int64)
    for edge in edges.tolist():
        count += (values >= edge) if inclusive else (values > edge)
    return count


def years_of(day: np.ndarray) -> tuple[int, np.ndarray, list[int]]:
    """The first year of ``day`` (days since 1970-01-01), each day's year counted from it,
    and the years that occur."""
    first_year = year_of(int(day.min()))
    last_year = year_of(int(day.max()))
    new_years = np.array(
        [(dt.date(y, 1, 1) - EPOCH).days for y in range(first_year + 1, last_year + 1)], np.int64
    )
    year_no = count_below(new_years, day, inclusive=True)
    return first_year, year_no, (np.flatnonzero(np.bincount(year_no)) + first_year).tolist()


def year_of(day: int) -> int:
    return (EPOCH + dt.timedelta(days=day)).year

"""指标缓存 (the indicator cache): the catalogue computed once per warehouse state.

Computing the whole catalogue takes seconds; a page or an API answer must take milliseconds.
:func:`cached_values` computes every indicator for every month, quarter and year the event
data cover (:func:`data_periods`) **once per warehouse state** — the version of every table
(:meth:`Warehouse.snapshot`, fingerprinted by :func:`warehouse_state`) — and keeps the result in memory and as a Parquet file
under ``<warehouse>/../cache/indicators/<state>.parquet`` (owner-only, like the warehouse), so
a restarted service does not compute again. A new batch changes the state, so the next call
computes afresh: the cache can never serve figures of data it has not seen. Files of older
states are removed when a new one is written.

The values are exactly :func:`yigai.indicators.engine.compute`'s (the engine of ``yigai
indicators compute``); reported aggregates (填报) live in the operational store, not the
warehouse, and are merged by the caller (:func:`yigai.aggregates.merge`), as the reports do.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from yigai import __version__
from yigai.indicators import engine
from yigai.indicators.values import RESULT_SCHEMA
from yigai.periods import Period
from yigai.warehouse import Snapshot, Warehouse, WarehouseError, private

#: Record sets whose months say which periods hold data (as the engine reads them).
EVENT_SETS = engine.EVENT_SETS

_lock = threading.Lock()
#: (warehouse root, state) → the computed table; one entry per warehouse (the latest state)
_memory: dict[Path, tuple[str, pa.Table]] = {}
#: one lock per warehouse, so two first requests compute once, not twice
_computing: dict[Path, threading.Lock] = {}


@cache
def definitions() -> str:
    """A fingerprint of what turns records into values besides the data: yigai's version and
    the shipped catalogue and indicator parameters, so an upgrade never reads old figures."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for path in sorted([*here.glob("catalogue/*.yaml"), *here.glob("data/**/*.yaml")]):
        digest.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def state_of(snapshot: Snapshot) -> str:
    """A short fingerprint of a warehouse snapshot (the version of every table) and of the
    definitions the values are computed with."""
    text = json.dumps([snapshot.to_json(), definitions()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def warehouse_state(wh: Warehouse) -> str:
    """The fingerprint of the warehouse now: any committed batch changes it."""
    return state_of(wh.snapshot())


def data_periods(wh: Warehouse) -> list[Period]:
    """Every month, quarter and year of the years the event data cover, in time order."""
    months = {m for b in wh.batches() if b.record_set in EVENT_SETS for m in b.months if m}
    years = sorted({m // 100 for m in months})
    out: list[Period] = []
    for y in years:
        out += [Period.month(y, m) for m in range(1, 13)]
        out += [Period.quarter(y, q) for q in range(1, 5)]
        out.append(Period.year(y))
    return sorted(out, key=lambda p: (p.start, p.end))


def latest_month(wh: Warehouse) -> Period | None:
    """The last month holding event data, or None for a warehouse without events."""
    months = [m for b in wh.batches() if b.record_set in EVENT_SETS for m in b.months if m]
    if not months:
        return None
    last = max(months)
    return Period.month(last // 100, last % 100)


def cache_dir(wh: Warehouse) -> Path:
    """Where the cached tables of ``wh`` live: beside it (a warehouse vacuum deletes any
    Parquet file inside it that no batch names)."""
    return wh.root.parent / "cache" / "indicators"


def cached_values(wh: Warehouse) -> pa.Table:
    """The catalogue's values for every :func:`data_periods` period, for the current state."""
    root = wh.root.resolve()
    snapshot = wh.snapshot()
    state = state_of(snapshot)
    with _lock:
        held = _memory.get(root)
        if held is not None and held[0] == state:
            return held[1]
        gate = _computing.setdefault(root, threading.Lock())
    with gate:
        with _lock:  # another request may have computed it while this one waited
            held = _memory.get(root)
            if held is not None and held[0] == state:
                return held[1]
        table = _read(wh, state)
        if table is None:
            # computed as of the snapshot: a batch landing meanwhile is not half in it
            table = _compute(wh.at(snapshot))
            _write(wh, state, table)
        with _lock:
            _memory[root] = (state, table)
        return table


def warm(wh: Warehouse) -> None:
    """Compute ahead of the first request (a service's start-up thread). A warehouse the
    service's account may not read is left alone: the first page that needs the values
    reports that refusal to its user."""
    try:
        cached_values(wh)
    except WarehouseError:
        return


def forget() -> None:
    """Drop the in-memory tables (the files stay): for tests and for a reloaded catalogue."""
    with _lock:
        _memory.clear()


def _compute(wh: Warehouse) -> pa.Table:
    periods = data_periods(wh)
    if not periods:
        return RESULT_SCHEMA.empty_table()
    return engine.compute(wh, periods)


def _path(wh: Warehouse, state: str) -> Path:
    return cache_dir(wh) / f"{state}.parquet"


def _read(wh: Warehouse, state: str) -> pa.Table | None:
    path = _path(wh, state)
    if not path.exists():
        return None
    try:
        return pq.read_table(path).cast(RESULT_SCHEMA)
    except (OSError, pa.ArrowInvalid):
        return None  # a damaged cache file is recomputed, never trusted


def _write(wh: Warehouse, state: str, table: pa.Table) -> None:
    folder = private.make_dirs(cache_dir(wh))
    final = _path(wh, state)
    tmp = folder / f".tmp-{state}-{os.getpid()}-{threading.get_ident()}"
    fd = private.open_file(tmp, os.O_WRONLY | os.O_TRUNC)
    os.close(fd)
    pq.write_table(table, tmp)
    os.replace(tmp, final)  # whole or absent: a reader never sees half a file
    for old in folder.glob("*.parquet"):
        if old != final:
            old.unlink(missing_ok=True)

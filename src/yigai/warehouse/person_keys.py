"""Integer person keys (人员整数键): one int64 ``person_key`` per pseudonym, kept in the warehouse.

Every record set about persons stores, next to the 32-character pseudonym ``person_id``, the
person's ``person_key`` (:data:`yigai.records.fields.PERSON_KEY`). The indicator engine joins
encounters, claims and contracts to the residents on it: a hash join on an integer is several
times cheaper than on a 32-byte string, and that join dominated a county-year's computation.

The key map ``_meta/person_keys.parquet`` (``person_id``, ``person_key``) is the one source of
keys: a pseudonym seen for the first time gets the next free key (new pseudonyms of one batch
in sorted order, so the same batches stored in the same order give the same keys), and keeps
it for ever, in every record set and batch. The map only grows, and is written (atomically,
under the writer lock) before the batch's files and commit, so every committed row's key is in
it and a crash at worst leaves keys reserved for no row. A key is no more identifying than the
pseudonym it stands for (docs/PRIVACY.md); the file is owner-only like every other.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from yigai.records.fields import PERSON_ID, PERSON_KEY, RecordSet
from yigai.warehouse import private

MAP_FILE = Path("_meta") / "person_keys.parquet"
MAP_SCHEMA = pa.schema(
    [pa.field(PERSON_ID, pa.string(), nullable=False), pa.field(PERSON_KEY, pa.int64(), False)]
)
#: Map rows searched at a time, newest first (:func:`positions`).
SCAN_BLOCK = 1_000_000


def positions(ids: pa.Array | pa.ChunkedArray, known: pa.Array) -> pa.Array | pa.ChunkedArray:
    """Index in ``known`` (unique values) of each of ``ids`` (null when absent). ``known`` is
    scanned from its end, a block at a time, against the batch's few distinct ids, stopping
    once all are found: a hash table of the batch is cheap where one of a 10-million-row map
    cost seconds per batch, and a batch usually refers to persons stored just before it."""
    wanted = pc.unique(ids.drop_null())
    found: list[np.ndarray] = []
    left, stop = len(wanted), len(known)
    while left and stop > 0:
        start = max(0, stop - SCAN_BLOCK)
        hit = pc.is_in(known.slice(start, stop - start), value_set=wanted)
        where = np.flatnonzero(hit.to_numpy(zero_copy_only=False)) + start
        found.append(where)
        left -= len(where)  # ``known`` holds each value once: every hit is a new one
        stop = start
    at = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return pc.take(pa.array(at, pa.int64()), pc.index_in(ids, value_set=known.take(at)))


@dataclass(frozen=True)
class KeyMap:
    """Pseudonym → key, as two aligned columns (keys 1, 2, … in order of first storage)."""

    table: pa.Table

    @classmethod
    def empty(cls) -> KeyMap:
        return cls(MAP_SCHEMA.empty_table())

    def keys_of(self, ids: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, KeyMap]:
        """The key of each id (null for a null id) and the map with the new ids added."""
        # ``ids`` stay in their chunks: a year's claims would otherwise copy 2 GB of
        # pseudonyms at 10 M residents only to look them up
        column = self.table[PERSON_ID]  # one chunk (maps are combined): taken without a copy
        known = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
        # Keys are positions + 1 (the map is never reordered): one look-up gives the key.
        where = positions(ids, known)
        new = pc.unique(pc.filter(ids, pc.and_(pc.is_null(where), pc.is_valid(ids))))
        if not len(new):
            return pc.add(pc.cast(where, pa.int64()), 1), self
        new = pc.take(new, pc.sort_indices(new))
        fresh = pc.add(pc.cast(pc.index_in(ids, value_set=new), pa.int64()), len(known) + 1)
        keys = pc.coalesce(pc.add(pc.cast(where, pa.int64()), 1), fresh)
        added = pa.table(
            [new, pa.array(range(len(known) + 1, len(known) + 1 + len(new)), pa.int64())],
            schema=MAP_SCHEMA,
        )
        return keys, KeyMap(pa.concat_tables([self.table, added]).combine_chunks())


def keyed_name(path: Path) -> Path:
    """The name a data file stored without keys gets when migration rewrites it with them."""
    return path.with_name(f"{path.stem}-keyed{path.suffix}")


#: The last map loaded or saved per file, with the file's (inode, size, mtime): a writer
#: storing batch after batch (the generator: hundreds) reads the growing map once, not per batch.
_LOADED: dict[Path, tuple[tuple[int, int, int], KeyMap]] = {}
_LOADED_LOCK = threading.Lock()


def _remember(path: Path, keys: KeyMap) -> None:
    st = path.stat()
    with _LOADED_LOCK:
        if path not in _LOADED and len(_LOADED) >= 4:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[path] = ((st.st_ino, st.st_size, st.st_mtime_ns), keys)


def load(root: Path) -> KeyMap:
    """The warehouse's key map (empty before any person was stored)."""
    path = Path(root) / MAP_FILE
    if not path.is_file():
        return KeyMap.empty()
    st = path.stat()
    cached = _LOADED.get(path)
    if cached is not None and cached[0] == (st.st_ino, st.st_size, st.st_mtime_ns):
        return cached[1]
    keys = KeyMap(pq.read_table(path, schema=MAP_SCHEMA).combine_chunks())
    _remember(path, keys)
    return keys


def save(root: Path, keys: KeyMap) -> None:
    """Replace the map at once (a temporary file renamed over it, fsynced first)."""
    path = Path(root) / MAP_FILE
    private.make_dirs(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    private.create_empty(tmp)
    pq.write_table(keys.table, tmp, compression="zstd")
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _remember(path, keys)


def with_keys(table: pa.Table, keys: KeyMap) -> tuple[pa.Table, KeyMap]:
    """``table`` (rows with ``person_id``) with its ``person_key`` column set from ``keys``
    (a given one is replaced: keys are the warehouse's, never the caller's)."""
    values, grown = keys.keys_of(table[PERSON_ID])
    if PERSON_KEY in table.column_names:
        table = table.drop_columns([PERSON_KEY])
    return table.append_column(pa.field(PERSON_KEY, pa.int64()), values), grown


def assign(root: Path, rs: RecordSet, table: pa.Table) -> pa.Table:
    """``table`` of record set ``rs`` with keys, the map at ``root`` grown and saved first
    (call under the writer lock); unchanged when ``rs`` is not about persons."""
    if not rs.keyed_by_person or PERSON_ID not in table.column_names:
        return table
    before = load(root)
    out, after = with_keys(table, before)
    if after.table.num_rows != before.table.num_rows:
        save(root, after)
    return out

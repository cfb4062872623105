"""Record-key and reference checks of an import batch (主键与外键校验), rules 4 and 5 of
:mod:`yigai.warehouse.ingest`.

These are the record sets' keys (``RecordSet.key`` / ``stored_key``), not the pseudonym key of
:mod:`yigai.warehouse.keys`. Every check runs under the warehouse lock, once the batch's
columns are converted: duplicates within the batch, keys already stored (versions of a
versioned record set, :mod:`yigai.warehouse.versioned`), foreign keys, and the org tree.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from yigai.records import schemas
from yigai.records.fields import MONTH_COLUMN, RecordSet
from yigai.warehouse import audit, versioned
from yigai.warehouse import convert as cv
from yigai.warehouse.personal import Found
from yigai.warehouse.store import Warehouse, is_sorted

__all__ = ["as_text", "check_keys", "check_tree", "key_rows", "mask_of"]


def key_rows(keys: pa.Table, other: pa.Table, key: list[str]) -> np.ndarray:
    """Row indices (column ``__row``) of ``keys`` whose key appears in ``other``."""
    if other.num_rows == 0 or keys.num_rows == 0:
        return np.zeros(0, dtype=np.int64)
    hit = keys.join(other, keys=key, join_type="left semi", use_threads=True)
    return np.asarray(hit["__row"].to_numpy(), dtype=np.int64)


def mask_of(rows: np.ndarray, n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def as_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pc.cast(values, pa.string())


def _shown_text(rs: RecordSet, column: str, values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A key or reference as shown in a rejection. A pseudonym is never echoed: it would link
    an identity number to the stored rows, and tell whether the person is stored. Anything
    else in a personal column is a mistake of the file, shown (masked by ``report.scrub``)."""
    text = as_text(values)
    if not rs.field(column).personal:
        return text
    pseudonym = pc.fill_null(pc.match_substring_regex(text, cv.PSEUDONYM_PATTERN), False)
    return pc.if_else(pseudonym, pa.scalar(None, pa.string()), text)


def check_keys(
    wh: Warehouse, rs: RecordSet, typed: pa.Table, found: Found, shown_as: dict[str, str]
) -> np.ndarray:
    """Check keys (and references); return the rows to skip: versions already stored with
    the same content (:mod:`yigai.warehouse.versioned`)."""
    n = typed.num_rows
    key = list(rs.stored_key)
    key_col = shown_as.get(key[0], key[0])

    def key_text() -> pa.Array:
        shown = rs.key  # a versioned row is shown by its entity (version_from is beside it)
        if len(shown) == 1:
            return _shown_text(rs, shown[0], typed[shown[0]])
        parts = [_shown_text(rs, k, typed[k]) for k in shown]
        return pc.binary_join_element_wise(*parts, "|", null_handling="skip")

    present = np.ones(n, dtype=bool)
    for k in key:
        present &= cv.to_numpy_mask(pc.is_valid(typed[k]))
    keys = (
        typed.select(key)
        .append_column("__row", pa.array(np.arange(n, dtype=np.int64)))
        .filter(pa.array(present))
    )
    found.add(
        key_col,
        mask_of(key_rows(keys, _doubled(keys, key), key), n),
        "主键在本批次中重复出现",
        "the key appears more than once in this batch",
        key_text,
    )
    skip = _check_stored(wh, rs, typed, keys, found, key_col, key_text)
    _check_references(wh, rs, typed, found, shown_as)
    return skip


def _doubled(keys: pa.Table, key: list[str]) -> pa.Table:
    """The keys that appear more than once among ``keys`` (rows with every key column set)."""
    if is_sorted(keys, key):
        # Sorted input (the generator's usual order): copies of a key are neighbours.
        same = np.zeros(keys.num_rows, dtype=bool)
        if keys.num_rows > 1:
            eq = np.ones(keys.num_rows - 1, dtype=bool)
            for k in key:
                column = keys[k]
                eq &= cv.to_numpy_mask(
                    pc.equal(column.slice(0, keys.num_rows - 1), column.slice(1))
                )
            same[:-1] |= eq
            same[1:] |= eq
        return keys.filter(pa.array(same)).select(key)
    counts = keys.group_by(key).aggregate([("__row", "count")])
    return counts.filter(pc.greater(counts["__row_count"], 1)).select(key)


def _check_stored(
    wh: Warehouse,
    rs: RecordSet,
    typed: pa.Table,
    keys: pa.Table,
    found: Found,
    key_col: str,
    key_text: Callable[[], pa.Array],
) -> np.ndarray:
    """Keys already stored (months the batch touches; whole registry); return the rows to
    skip (versions stored with the same content)."""
    n = typed.num_rows
    skip = np.zeros(n, dtype=bool)
    key = list(rs.stored_key)
    months = None
    if rs.partitioned:
        months = pc.unique(typed[MONTH_COLUMN]).drop_null().to_pylist()
    if months != [] and keys.num_rows:
        # Only stored keys within the batch's key range can collide; statistics skip the rest.
        lo, hi = pc.min_max(keys[key[0]]).values()
        first = pc.field(key[0])
        where = (first >= lo) & (first <= hi)
        stored = wh.read(
            rs.name, months=months, columns=key, where=where, scoped=False, purpose="ingest: keys"
        )
        if rs.versioned:
            same, edited = versioned.stored_matches(wh, rs, typed, keys, stored)
            skip[same] = True
            found.add(key_col, mask_of(edited, n), *versioned.EDITED, key_text)
        else:
            found.add(
                key_col,
                mask_of(key_rows(keys, stored, key), n),
                "主键已存在于仓库中（重复导入）",
                "the key is already stored (duplicate import)",
                key_text,
            )
    return skip


def _check_references(
    wh: Warehouse, rs: RecordSet, typed: pa.Table, found: Found, shown_as: dict[str, str]
) -> None:
    """Foreign keys: a stored key of the referenced record set, or one in this batch when a
    record set refers to itself."""
    for column, ref_name in rs.references:
        ref = schemas.get(ref_name)
        (ref_key,) = ref.key
        # The platform's own check (no grant needed), audited as a read of the whole key column.
        known = [_file_keys(ref, ref_key, p) for p in wh._files(ref_name)]
        if known and audit.personal_columns(ref_name):
            audit.record(
                wh.root,
                "read",
                ref_name,
                audit.personal_columns(ref_name, [ref_key]),
                rows=sum(len(k) for k in known),
                purpose="ingest: references",
                scope="system",
            )
        if ref_name == rs.name:
            known.append(as_text(typed[ref_key]))
        values = typed[column]
        absent = _absent(values, known)
        missing = pc.and_(pc.is_valid(values), pc.is_in(values, value_set=absent))
        found.add(
            shown_as.get(column, column),
            cv.to_numpy_mask(missing),
            f"在{ref.zh}（{ref_name}）中不存在",
            f"not found in {ref_name}",
            lambda values=values, column=column: _shown_text(rs, column, values),
        )


#: Key columns of stored files (immutable once committed), most recently used last; about
#: 20 million keys at most. Re-reading the whole referenced registry for every batch made
#: generating a 10-million-resident region quadratic (issue 18 §1).
_FILE_KEYS: OrderedDict[tuple[Path, str, int, int], pa.Array] = OrderedDict()
_FILE_KEYS_ROWS = 20_000_000
_FILE_KEYS_LOCK = threading.Lock()  # the service ingests from several threads


def _file_keys(ref: RecordSet, column: str, path: Path) -> pa.Array:
    """The distinct ``column`` values of one committed file of ``ref`` (cached; a file of the
    same name but another size or time, as in a warehouse deleted and made again, is re-read)."""
    st = path.stat()
    entry = (path, column, st.st_size, st.st_mtime_ns)
    with _FILE_KEYS_LOCK:
        cached = _FILE_KEYS.get(entry)
        if cached is not None:
            _FILE_KEYS.move_to_end(entry)
            return cached
    data = ds.dataset([str(path)], format="parquet", schema=ref.arrow_schema())
    keys = pc.unique(data.to_table(columns=[column])[column].combine_chunks())
    with _FILE_KEYS_LOCK:
        _FILE_KEYS[entry] = keys
        while sum(len(v) for v in _FILE_KEYS.values()) > _FILE_KEYS_ROWS and len(_FILE_KEYS) > 1:
            _FILE_KEYS.popitem(last=False)
    return keys


def _absent(values: pa.Array | pa.ChunkedArray, known: list[pa.Array]) -> pa.Array:
    """The distinct ``values`` in none of ``known``, searched newest first: a batch usually
    refers to what was stored just before it, so most batches look at one file."""
    wanted = pc.unique(values).drop_null()
    for keys in reversed(known):
        if not len(wanted):
            break
        wanted = wanted.filter(pc.invert(pc.is_in(wanted, value_set=keys.cast(wanted.type))))
    return wanted


def check_tree(wh: Warehouse, typed: pa.Table, found: Found, shown_as: dict[str, str]) -> None:
    """``org_units``: rows that would leave the stored tree plus this batch unusable."""
    by_reason: dict[tuple[str, str], list[int]] = {}
    for row, zh, en in versioned.tree_problems(wh, typed, ~found.bad()):
        by_reason.setdefault((zh, en), []).append(row)
    for (zh, en), rows in by_reason.items():
        found.add(
            shown_as.get("parent_id", "parent_id"),
            mask_of(np.asarray(rows, dtype=np.int64), typed.num_rows),
            zh,
            en,
            lambda: as_text(typed["parent_id"]),
        )

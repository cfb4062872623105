"""Claim order (结算顺序) of a table of claims: by person, then event date, then encounter id.

Caps and deductibles run per person-year in this order, so the vectorised adjudication
(:mod:`yigai.policy.vectorised`) first sorts the claims into it. One sort does
the work: person key, day and row number are packed into one ``uint64`` and sorted as values
(numpy sorts values with SIMD instructions, about 6× faster than ``argsort``; the row number
in the low bits gives back the permutation and makes the order stable). Only claims of one
person on one day are then ordered by their encounter-id strings, when they are not already.

The person part of the key comes the cheapest way the input allows (:func:`person_keys`):

- claims already grouped by person (a person-sorted extract): the number of the run, once
  the run heads are shown distinct — one id hashed per person, not per claim;
- fixed-width ids (the warehouse's person ids are 32-hex-digit pseudonyms): a 64-bit hash
  computed from the ids' bytes with array arithmetic, with no hash table. Only its high bits
  fit in the packed key, so persons whose hashes share those bits are re-sorted on the whole
  hash (a few rows). A hash proves nothing, so after sorting every two neighbouring claims
  are compared byte for byte, and equal bytes, not equal hashes, make them one person; if
  two persons' whole hashes collide the ids are dictionary-encoded instead and the sort is
  redone;
- otherwise: dictionary encoding (Arrow's hash table, about 3× the cost of the above).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.policy.adjudication import ClaimError

#: Multipliers of the id hash (the 64-bit golden ratio and a splitmix64 constant).
_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xBF58476D1CE4E5B9)


@dataclass(frozen=True)
class PersonKeys:
    """A ``uint64`` key per row; rows of one person have equal keys.

    ``exact``: the keys are person codes (distinct persons, distinct keys). Otherwise they
    are hashes of the ids, whose bytes ``fixed`` (one row per id) are kept to check them.
    """

    key: np.ndarray
    exact: bool
    fixed: np.ndarray | None = None

    def chunk_of(self, n_chunks: int) -> np.ndarray:
        """Each row's chunk out of ``n_chunks`` ranges of keys (whole persons per chunk)."""
        if self.exact:
            return (self.key * np.uint64(n_chunks) // np.uint64(int(self.key.max()) + 1)).astype(
                np.int64
            )
        return ((self.key >> np.uint64(32)) * np.uint64(n_chunks) >> np.uint64(32)).astype(np.int64)


@dataclass(frozen=True)
class ClaimOrder:
    """``order[i]``: the input row of the *i*-th claim in claim order; in that order,
    ``new_person`` (the claim is its person's first) and ``day`` (days since 1970-01-01);
    ``person_id`` in that order when the sort already moved it (None otherwise)."""

    order: np.ndarray
    new_person: np.ndarray
    day: np.ndarray
    person_id: pa.Array | None = None

    @property
    def person(self) -> np.ndarray:
        """Each claim's person, numbered from 0 in claim order."""
        return np.cumsum(self.new_person) - 1


def person_keys(ids: pa.ChunkedArray | pa.Array) -> PersonKeys:
    """Keys grouping rows by person id, the cheapest way ``ids`` allows (module docstring)."""
    ids = _plain_strings(ids)
    n = len(ids)
    fixed = _fixed_width_bytes(ids)
    words = None if fixed is None else _as_words(fixed)
    # grouped input shows in its first rows already: scattered ids skip the full comparison
    head = min(n, _HEAD_ROWS)
    if n > 1 and _changes(ids.slice(0, head)).sum() < head // 2:
        change = _changes(ids)
        runs = int(change.sum()) + 1
        if runs <= n // 2:
            heads = np.r_[0, np.flatnonzero(change) + 1]
            if _all_distinct(ids, heads, words):
                return PersonKeys(np.r_[0, np.cumsum(change)].astype(np.uint64), exact=True)
    if words is None:
        return exact_person_keys(ids)
    return PersonKeys(hash_words(words), exact=False, fixed=fixed)


def _changes(ids: pa.Array) -> np.ndarray:
    """Whether each id differs from the next."""
    return pc.not_equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)


#: Rows looked at first to tell person-grouped input from scattered input.
_HEAD_ROWS = 1 << 16


def _all_distinct(ids: pa.Array, rows: np.ndarray, words: np.ndarray | None) -> bool:
    """Whether the ids at ``rows`` are all different. For fixed-width ids distinct hashes
    prove it; when two hashes coincide the ids are counted exactly."""
    if words is not None:
        h = np.sort(hash_words(words[rows]))
        if not (h[1:] == h[:-1]).any():
            return True
    return pc.count_distinct(ids.take(pa.array(rows))).as_py() == rows.size


def exact_person_keys(ids: pa.ChunkedArray | pa.Array) -> PersonKeys:
    """Person codes by dictionary encoding: exact for any ids."""
    codes = pc.dictionary_encode(_plain_strings(ids)).indices
    return PersonKeys(codes.to_numpy(zero_copy_only=False).astype(np.uint64), exact=True)


def hash_words(words: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of ``words`` (multiply–xorshift per word, then a finaliser),
    computed in blocks of :data:`_HASH_ROWS` rows: the dozen passes over a block then run in
    the CPU caches (measured twice as fast as whole columns)."""
    h = np.empty(words.shape[0], dtype=np.uint64)
    for lo in range(0, words.shape[0], _HASH_ROWS):
        block = h[lo : lo + _HASH_ROWS]
        block.fill(_K2)
        for j in range(words.shape[1]):
            block ^= words[lo : lo + _HASH_ROWS, j]
            block *= _K1
            block ^= block >> np.uint64(29)
        block *= _K2
        block ^= block >> np.uint64(32)
    return h


_HASH_ROWS = 1 << 14


def claim_order(
    encounter_id: pa.ChunkedArray | Strings,
    person_id: pa.ChunkedArray,
    day: np.ndarray,
    keys: PersonKeys | None = None,
) -> ClaimOrder:
    """The claim order of the rows (see the module docstring); ``keys`` as
    :func:`person_keys` gives them, computed here when not given."""
    keys = person_keys(person_id) if keys is None else keys
    found = _sorted(encounter_id, keys, day)
    if found is None:  # two persons' ids hashed alike: fall back to exact codes
        found = _sorted(encounter_id, exact_person_keys(person_id), day)
        assert found is not None
    return found


def _sorted(
    encounter_id: pa.ChunkedArray | Strings, keys: PersonKeys, day: np.ndarray
) -> ClaimOrder | None:
    order, who, rel = _sort_keys(keys, day)
    ordered_ids = None
    if keys.exact:
        same = who[1:] == who[:-1]
    else:
        # neighbours are the same person exactly when their id bytes are equal, provided each
        # person's claims are together; ``who`` may be a prefix of the hash that two persons
        # share, so their claims are first re-sorted on the whole hash
        assert keys.fixed is not None
        ordered = _take_fixed(keys.fixed, order)
        differ = _neighbours_differ(ordered)
        clash = (who[1:] == who[:-1]) & differ
        if clash.any() and not _sort_clashes(order, who, rel, keys, ordered, differ, clash):
            return None
        same = ~differ
        ordered_ids = _strings(ordered)
    order = _ties_by_encounter(encounter_id, order, same & (rel[1:] == rel[:-1]))
    new_person = np.empty(len(order), dtype=bool)
    new_person[:1] = True
    np.logical_not(same, out=new_person[1:])
    days = rel.view(np.int64)  # days since the first (below 2**63): in place
    days += int(day.min())
    return ClaimOrder(order=order, new_person=new_person, day=days, person_id=ordered_ids)


def _neighbours_differ(fixed: np.ndarray) -> np.ndarray:
    """Whether each row of fixed-width bytes differs from the next: compared word by word
    in blocks of :data:`_HASH_ROWS` rows, so the passes over a block run in the CPU caches
    (about 4× faster than comparing the rows as opaque values, which compares byte runs)."""
    words = _as_words(fixed)
    n = words.shape[0]
    differ = np.empty(max(n - 1, 0), dtype=bool)
    for lo in range(0, n - 1, _HASH_ROWS):
        hi = min(lo + _HASH_ROWS, n - 1)
        w = words[lo : hi + 1]
        d = differ[lo:hi]
        np.not_equal(w[1:, 0], w[:-1, 0], out=d)
        for j in range(1, w.shape[1]):
            d |= w[1:, j] != w[:-1, j]
    return differ


def _opaque(fixed: np.ndarray) -> np.ndarray:
    """Rows of fixed-width bytes as single opaque values (numpy's void type), to compare or
    move whole rows (a view when ``fixed`` is contiguous)."""
    return np.ascontiguousarray(fixed).view(f"V{fixed.shape[1]}").ravel()


def _sort_keys(keys: PersonKeys, day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows sorted by (person key, day, row): ``order``, and in that order the person key
    (hashed keys: as many of its high bits as fit, see below) and the day since the first.

    The person key, the day and the row number are packed into one ``uint64`` and sorted as
    values: numpy sorts values with SIMD instructions, about 6× faster than ``argsort``,
    and the row number in the low bits makes the order unique, so it is also stable."""
    n = len(day)
    first = int(day.min())
    day_bits = max(1, int(day.max() - first).bit_length())
    row_bits = max(1, (n - 1).bit_length())
    low = day_bits + row_bits
    person_bits = int(keys.key.max()).bit_length() if keys.exact else 64 - low
    if (person_bits + low > 64) if keys.exact else (person_bits < _MIN_PREFIX_BITS):
        rel = (day - first).astype(np.uint64)
        order = np.lexsort((rel, keys.key))  # the general case: a stable sort, 3× slower
        return order, keys.key[order], rel[order]
    # in place, with one spare buffer: at ten million claims every array is 80 MB
    packed = np.subtract(day, first, dtype=np.uint64, casting="unsafe")
    packed <<= np.uint64(row_bits)
    packed |= np.arange(n, dtype=np.uint64)
    if keys.exact:
        spare = np.left_shift(keys.key, np.uint64(low))
    else:  # the hash's high bits
        spare = np.right_shift(keys.key, np.uint64(64 - person_bits))
        spare <<= np.uint64(low)
    packed |= spare
    if not (packed[1:] >= packed[:-1]).all():  # input already in claim order needs no sort
        packed.sort()
    order = np.bitwise_and(packed, np.uint64((1 << row_bits) - 1), out=spare).view(np.int64)
    rel = np.right_shift(packed, np.uint64(row_bits))
    rel &= np.uint64((1 << day_bits) - 1)
    packed >>= np.uint64(low)
    return order, packed, rel


#: Fewest hash bits worth sorting on in the packed key (more claims or days than leave this
#: many fall back to a lexicographic sort on the whole hash).
_MIN_PREFIX_BITS = 24


def _sort_clashes(
    order: np.ndarray,
    who: np.ndarray,
    rel: np.ndarray,
    keys: PersonKeys,
    ordered: np.ndarray,
    differ: np.ndarray,
    clash: np.ndarray,
) -> bool:
    """Re-sort, in place, the runs of equal hash prefixes (``who``) that hold more than one
    person (``clash`` between neighbours) by (whole hash, day, row), and update the moved id
    bytes ``ordered`` and their neighbour comparison ``differ``. False when two persons'
    whole hashes are alike too (then only exact codes will do)."""
    assert keys.fixed is not None
    shared = np.unique(who[1:][clash])
    lo = np.searchsorted(who, shared, side="left")
    hi = np.searchsorted(who, shared, side="right")
    at = np.concatenate([np.arange(a, b) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)])
    full = keys.key[order[at]]
    perm = np.lexsort((order[at], rel[at], full, who[at]))
    order[at], rel[at], full = order[at][perm], rel[at][perm], full[perm]
    ordered[at] = keys.fixed[order[at]]
    near = np.unique(np.r_[at - 1, at])
    near = near[(near >= 0) & (near < differ.size)]
    rows = _opaque(ordered)
    differ[near] = rows[near + 1] != rows[near]
    neighbours = at[1:] == at[:-1] + 1
    return not (neighbours & (full[1:] == full[:-1]) & differ[at[:-1]]).any()


def _ties_by_encounter(
    encounter_id: pa.ChunkedArray | Strings, order: np.ndarray, same: np.ndarray
) -> np.ndarray:
    """Order runs of neighbours with the same person and day (``same``) by encounter id; a
    duplicate encounter id among them is refused."""
    if not same.any():
        return order
    tied = np.zeros(len(order), dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    sub = np.flatnonzero(tied)
    continues = np.zeros(sub.size, dtype=bool)
    continues[1:] = same[sub[1:] - 1]
    ids = take_strings(encounter_id, order[sub])
    rising = pc.less(ids[:-1], ids[1:]).to_numpy(zero_copy_only=False)
    if (rising | ~continues[1:]).all():  # already by encounter id (warehouse order)
        return order
    run = np.cumsum(~continues)
    perm = pc.sort_indices(
        pa.table({"run": run, "id": ids}), [("run", "ascending"), ("id", "ascending")]
    ).to_numpy()
    ids_sorted, run_sorted = ids.take(pa.array(perm)), run[perm]
    dup = pc.equal(ids_sorted[1:], ids_sorted[:-1]).to_numpy(zero_copy_only=False)
    dup &= run_sorted[1:] == run_sorted[:-1]
    if dup.any():
        eid = str(ids_sorted[int(np.flatnonzero(dup)[0])])
        raise ClaimError(eid, "encounter_id", "就诊流水号重复", "duplicate encounter ids")
    order[sub] = order[sub][perm]
    return order


def check_unique(encounter_id: pa.ChunkedArray | Strings) -> None:
    """Refuse an encounter id given twice, on any day and of anyone (one encounter is
    settled once), as the scalar path does (:func:`yigai.policy.adjudication.adjudicate`).

    Claim order only puts claims of one person and day side by side, so this is a check of
    its own. Fixed-width ids are keyed by a 64-bit mix of their bytes (:func:`_id_key`, no
    padded copy) and the keys sorted as values; only ids whose keys meet are compared byte
    for byte. Ids of varying width are
    counted by Arrow (a hash table: several times slower)."""
    ids = Strings.of(encounter_id)
    n = len(ids.values)
    if n < 2:
        return
    if ids.fixed is None:
        if pc.count_distinct(ids.values).as_py() == n:
            return
        rows = np.arange(n)
    else:
        key = _id_key(ids.fixed)
        ordered = np.sort(key)
        met = ordered[1:] == ordered[:-1]
        if not met.any():
            return
        rows = np.flatnonzero(np.isin(key, ordered[1:][met]))
    seen: set[str] = set()
    for eid in ids.values.take(pa.array(rows)).to_pylist():
        if eid in seen:
            raise ClaimError(eid, "encounter_id", "就诊流水号重复", "duplicate encounter ids")
        seen.add(eid)


def _id_key(fixed: np.ndarray) -> np.ndarray:
    """A 64-bit mix of each row of fixed-width bytes, read in place as ``uint32`` words (any
    width and alignment: a strided view, no padded copy), then its last bytes. The state is
    64 bits wide although the words are 32: with a 32-bit state, ids that differ in a few
    bits of two words (the digits of a serial) met by the hundred thousand."""
    fixed = np.ascontiguousarray(fixed)
    n, width = fixed.shape
    words = np.ndarray((n, width // 4), np.uint32, buffer=fixed, strides=(width, 4))
    key = np.full(n, _K2, dtype=np.uint64)
    tail = range(4 * words.shape[1], width)
    for lo in range(0, n, _HASH_ROWS):  # a block's passes stay in the CPU caches
        block = key[lo : lo + _HASH_ROWS]
        parts = [words[lo : lo + _HASH_ROWS, j] for j in range(words.shape[1])]
        for part in [*parts, *(fixed[lo : lo + _HASH_ROWS, j] for j in tail)]:
            block ^= part
            block *= _K1
            block ^= block >> np.uint64(29)
    return key


@dataclass(frozen=True)
class Strings:
    """A string column with its fixed-width bytes worked out once (None: widths vary), for
    a column that is taken from several times (checking the widths is a pass of its own)."""

    values: pa.Array
    fixed: np.ndarray | None

    @classmethod
    def of(cls, col: pa.ChunkedArray | pa.Array | Strings) -> Strings:
        if isinstance(col, Strings):
            return col
        values = _plain_strings(col)
        return cls(values, _fixed_width_bytes(values))

    def take(self, index: np.ndarray, to: np.ndarray | None = None) -> pa.Array:
        """``values.take(index)``; ``to``, when given, is the inverse of ``index`` (row *i*
        goes to ``to[i]``). Fixed-width strings move as fixed-size values
        (:func:`_take_fixed`), several times faster than Arrow's take of variable-width
        strings."""
        if self.fixed is None:
            return self.values.take(pa.array(index))
        return _strings(_take_fixed(self.fixed, index, to))


def take_strings(
    col: pa.ChunkedArray | pa.Array | Strings, index: np.ndarray, to: np.ndarray | None = None
) -> pa.Array:
    """``col.take(index)`` for a string column (:meth:`Strings.take`)."""
    return Strings.of(col).take(index, to)


def _take_fixed(fixed: np.ndarray, index: np.ndarray, to: np.ndarray | None = None) -> np.ndarray:
    """Rows ``index`` of fixed-width bytes (a writable array). Arrow's take of fixed-size
    binary values has fast paths for widths of 1, 2, 4, 8, 16 and 32 bytes; other widths
    (the 20-byte encounter ids), when the inverse ``to`` is given, are scattered by numpy as
    opaque values instead: measured on 10 million rows, 0.28 s against Arrow's 0.38 s
    (32-byte rows: Arrow 0.21 s, numpy 0.38 s)."""
    width = fixed.shape[1]
    if to is not None and width not in _ARROW_FAST_WIDTHS:
        out = np.empty_like(fixed)
        _opaque(out)[to] = _opaque(fixed)
        return out
    values = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), fixed.shape[0], [None, pa.py_buffer(np.ascontiguousarray(fixed))]
    )
    data = values.take(pa.array(index)).buffers()[1]
    taken = np.frombuffer(data, dtype=np.uint8, count=len(index) * width).reshape(-1, width)
    return taken if taken.flags.writeable else taken.copy()


#: Byte widths for which Arrow's take of fixed-size binary values has a fast path.
_ARROW_FAST_WIDTHS = frozenset({1, 2, 4, 8, 16, 32})


def _strings(fixed: np.ndarray) -> pa.Array:
    """Fixed-width bytes as a string array, without a copy."""
    n, width = fixed.shape
    data = pa.py_buffer(np.ascontiguousarray(fixed))
    if width * n < 2**31:
        offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), data)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), data)


def one_array(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """One array of the column's values (without a copy when it has one chunk)."""
    if isinstance(col, pa.Array):
        return col
    return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()


def _plain_strings(ids: pa.ChunkedArray | pa.Array) -> pa.Array:
    arr = one_array(ids)
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.string())
    return arr


def _fixed_width_bytes(ids: pa.Array) -> np.ndarray | None:
    """The ids' bytes as an ``(n, width)`` view when every id has the same byte width; None
    otherwise."""
    n = len(ids)
    if n == 0 or ids.null_count:
        return None
    offset_type = np.int64 if pa.types.is_large_string(ids.type) else np.int32
    _, offsets_buf, data_buf = ids.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=offset_type, count=ids.offset + n + 1)[ids.offset :]
    width = int(offsets[1] - offsets[0])
    if width == 0 or int(offsets[-1] - offsets[0]) != width * n:
        return None
    if not (np.diff(offsets) == width).all():
        return None
    start = int(offsets[0])
    return np.frombuffer(data_buf, dtype=np.uint8, count=start + width * n)[start:].reshape(
        n, width
    )


def _as_words(fixed: np.ndarray) -> np.ndarray:
    """Fixed-width bytes as rows of ``uint64`` words (zero-padded to a multiple of 8)."""
    n, width = fixed.shape
    if width % 8 or fixed.ctypes.data % 8:
        padded = np.zeros((n, -(-width // 8) * 8), dtype=np.uint8)
        padded[:, :width] = fixed
        fixed = padded
    return fixed.view(np.uint64)

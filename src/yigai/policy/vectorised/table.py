"""The table entry of the vectorised adjudication: checks, claim order, packing, stays and
the cache blocks, in that order (:func:`adjudicate_table`); see the package docstring."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from yigai.policy.adjudication import ClaimError, ClaimInput
from yigai.policy.claim_order import (
    ClaimOrder,
    PersonKeys,
    Strings,
    check_unique,
    claim_order,
    one_array,
    person_keys,
)
from yigai.policy.money import check_range
from yigai.policy.scheme import CARE_TYPES, LEVELS, SchemeBook
from yigai.policy.vectorised.blocks import BlockClaims, adjudicate_block
from yigai.policy.vectorised.common import (
    EPOCH,
    bool_column,
    codes,
    count_below,
    first_bad,
    numpy_of,
    years_of,
)
from yigai.policy.vectorised.order import (
    links_in_claim_order,
    referral_links,
    sources_first_in_order,
)
from yigai.policy.vectorised.packing import Packed, inverse
from yigai.policy.vectorised.scheme_tables import KIND_BITS, SchemeTables, claim_kind
from yigai.policy.vectorised.stays import admissions_and_owed

REQUIRED = (
    "encounter_id",
    "person_id",
    "event_date",
    "care_type",
    "level",
    "in_county",
    "cost_total_fen",
    "out_of_scope_fen",
)

#: Claims adjudicated at once when the chunks of a larger table are slices of it (claims
#: grouped by person): chunks keep the moves into claim order within the CPU caches.
CHUNK_ROWS = 4_000_000
#: Claims adjudicated at once when chunks would have to be gathered from a table in another
#: order (warehouse order): gathering every column costs more than one bigger sort, so only
#: tables beyond 2²⁴ claims (about 6 GiB of working memory) are split.
SCATTERED_CHUNK_ROWS = 1 << 24

#: Claims per block of the in-cache arithmetic (whole person-years; a block may be longer
#: when one person-year is). 2¹⁵ int64 claims are 256 KiB a column, so a block's working
#: columns stay in the CPU caches instead of streaming from memory at every step.
BLOCK_ROWS = 1 << 15

RESULT_SCHEMA = pa.schema(
    [
        pa.field("encounter_id", pa.string(), nullable=False),
        pa.field("person_id", pa.string(), nullable=False),
        pa.field("event_date", pa.date32(), nullable=False),
        # few distinct values: dictionary-encoded, as Parquet stores them
        pa.field("scheme_version", pa.dictionary(pa.int32(), pa.string()), nullable=False),
        pa.field("cost_total_fen", pa.int64(), nullable=False),
        pa.field("eligible_fen", pa.int64(), nullable=False),
        pa.field("deductible_fen", pa.int64(), nullable=False),
        pa.field("fund_fen", pa.int64(), nullable=False),
        pa.field("critical_fen", pa.int64(), nullable=False),
        pa.field("assistance_fen", pa.int64(), nullable=False),
        pa.field("patient_fen", pa.int64(), nullable=False),
        pa.field("admission_no", pa.int64(), nullable=False),
        pa.field("cum_fund_fen", pa.int64(), nullable=False),
        pa.field("cum_outpatient_fund_fen", pa.int64(), nullable=False),
        pa.field("cum_oop_fen", pa.int64(), nullable=False),
        pa.field("cum_critical_fen", pa.int64(), nullable=False),
        pa.field("cum_assistance_fen", pa.int64(), nullable=False),
    ]
)


def adjudicate_table(
    claims: pa.Table | pd.DataFrame,
    region: str,
    *,
    root: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
    scattered_chunk_rows: int = SCATTERED_CHUNK_ROWS,
    block_rows: int = BLOCK_ROWS,
) -> pa.Table:
    """Adjudicate every claim of ``claims`` under ``region``'s scheme, in chunks of whole
    persons of at most ``chunk_rows`` claims (``scattered_chunk_rows`` when the persons'
    claims are not together in the input).

    Returns :data:`RESULT_SCHEMA`, one row per claim, in claim order (each person's claims
    together, by event date then encounter id; chunk after chunk when chunked). Callers
    match results to their rows by ``encounter_id``.
    """
    table = (
        pa.Table.from_pandas(claims, preserve_index=False)
        if isinstance(claims, pd.DataFrame)
        else claims
    )
    _check_columns(table)
    # on any day and of anyone, across chunks too (claim order only meets a duplicate of
    # one person and day)
    check_unique(table["encounter_id"])
    book = SchemeBook(region, root=root)
    if table.num_rows <= chunk_rows:
        return _adjudicate(table, book, block_rows=block_rows)
    keys = person_keys(table["person_id"])
    n_chunks = math.ceil(table.num_rows / chunk_rows)
    # Chunks are ranges of person keys: claims that arrive grouped by person get consecutive
    # codes, so each chunk is then one slice of the input rather than a scattered take.
    chunk_of = keys.chunk_of(n_chunks)
    if not (keys.exact and bool((chunk_of[1:] >= chunk_of[:-1]).all())):
        if table.num_rows <= scattered_chunk_rows:
            return _adjudicate(table, book, keys, block_rows)
        n_chunks = math.ceil(table.num_rows / scattered_chunk_rows)
        chunk_of = keys.chunk_of(n_chunks)
    years = years_of(
        numpy_of(table["event_date"].cast(pa.date32()).cast(pa.int32())).astype(np.int64)
    )[2]
    parts = []
    for chunk in range(n_chunks):
        rows = np.flatnonzero(chunk_of == chunk)
        if not rows.size:
            continue
        contiguous = int(rows[-1]) - int(rows[0]) + 1 == rows.size
        part = table.slice(int(rows[0]), rows.size) if contiguous else table.take(pa.array(rows))
        # hashed keys are recomputed from the part: cheaper than taking rows of the id bytes
        part_keys = PersonKeys(keys.key[rows], exact=True) if keys.exact else None
        parts.append(_adjudicate(part, book, part_keys, block_rows, years))
    return pa.concat_tables(parts)


def table_from_claims(claims: Iterable[ClaimInput], groups: Iterable[str] = ()) -> pa.Table:
    """The input table for :func:`adjudicate_table` from scalar :class:`ClaimInput` rows;
    ``groups`` names the ``grp_<group>`` columns to emit (besides those the claims carry)."""
    rows = list(claims)
    names = sorted(set(groups).union(*(c.groups for c in rows)) if rows else set(groups))
    columns = {
        "encounter_id": pa.array([c.encounter_id for c in rows], pa.string()),
        "person_id": pa.array([c.person_id for c in rows], pa.string()),
        "event_date": pa.array([c.event_date for c in rows], pa.date32()),
        "care_type": pa.array([c.care_type for c in rows], pa.string()),
        "level": pa.array([c.level for c in rows], pa.string()),
        "in_county": pa.array([c.in_county for c in rows], pa.bool_()),
        "cost_total_fen": pa.array([c.cost_total_fen for c in rows], pa.int64()),
        "out_of_scope_fen": pa.array([c.out_of_scope_fen for c in rows], pa.int64()),
        "referred": pa.array([c.referred for c in rows], pa.bool_()),
        "referred_from": pa.array([c.referred_from for c in rows], pa.string()),
        "referral_in_community": pa.array([c.referral_in_community for c in rows], pa.bool_()),
    }
    for group in names:
        columns[f"grp_{group}"] = pa.array([group in c.groups for c in rows], pa.bool_())
    return pa.table(columns)


def _check_columns(table: pa.Table) -> None:
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise ClaimError("-", ", ".join(missing), "缺少必需的列", "required columns are missing")
    for name in REQUIRED:
        if table[name].null_count:
            first = int(np.flatnonzero(table[name].is_null().to_numpy(zero_copy_only=False))[0])
            raise ClaimError(
                str(table["encounter_id"][first]),
                name,
                f"第 {first} 行为空",
                f"row {first} is null",
            )


#: The amount columns of the result, in :data:`RESULT_SCHEMA` order.
_AMOUNTS = [f.name for f in RESULT_SCHEMA][4:]
#: The amount columns computed per block (not: the claim's own cost, the admission number).
_COMPUTED = [name for name in _AMOUNTS if name not in ("cost_total_fen", "admission_no")]


def _adjudicate(
    t: pa.Table,
    book: SchemeBook,
    keys: PersonKeys | None = None,
    block_rows: int = BLOCK_ROWS,
    years: list[int] | None = None,
) -> pa.Table:
    """Adjudicate ``t`` in one piece; ``years``: the years whose schemes to tabulate (all
    chunks of a table get the same, so their scheme-version dictionaries agree)."""
    if t.num_rows == 0:
        return RESULT_SCHEMA.empty_table()
    care_i, lvl, total, oos = _checked(t)
    o = _Ordering.of(t, care_i, keys)
    first_year, year_no, here = years_of(o.co.day)
    present = here if years is None else years
    tables = SchemeTables.build(
        book, present, [name[4:] for name in t.column_names if name.startswith("grp_")]
    )
    packed = _packed(t, (care_i, lvl, total, oos), tables, o)

    # ---- person-years; the stays among the admissions
    n = t.num_rows
    boundary = np.ones(n, dtype=bool)
    np.not_equal(year_no[1:], year_no[:-1], out=boundary[1:])
    boundary |= o.co.new_person
    starts = np.flatnonzero(boundary)
    stays = packed.nonzero("admission")
    admission_no = np.zeros(n, dtype=np.int64)
    owed = np.zeros(0, dtype=np.int64)
    if stays.size:
        person_year = np.searchsorted(starts, stays, side="right") - 1
        links = links_in_claim_order(o.links, o.to_claim)
        admission_no[stays], owed = admissions_and_owed(stays, person_year, links, packed, tables)

    def block_year(lo: int, hi: int) -> np.ndarray:
        return count_below(np.array(present), year_no[lo:hi] + first_year)

    out, segment = _blocks(
        t, o.co.order, packed, tables, (starts, stays, owed), block_year, block_rows
    )
    out["admission_no"] = admission_no
    return _result(t, o, tables, out, segment)


def _checked(t: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Care type and level codes, total and out-of-scope cost, in input order; the first bad
    row is an error naming its encounter and column, as the scalar path's."""
    care_i = codes(t["care_type"], CARE_TYPES)
    first_bad(t, care_i < 0, "care_type", "未知就诊类型", "unknown care type", quote=True)
    lvl = codes(t["level"], LEVELS)
    first_bad(t, lvl < 0, "level", "未知级别", "unknown level", quote=True)
    total = numpy_of(t["cost_total_fen"]).astype(np.int64, copy=False)
    oos = numpy_of(t["out_of_scope_fen"]).astype(np.int64, copy=False)
    if total.size and int(total.min()) < 0:
        first_bad(t, total < 0, "cost_total_fen", "费用不能为负", "costs must not be negative")
    first_bad(t, oos < 0, "out_of_scope_fen", "费用不能为负", "costs must not be negative")
    check_range(total, "cost_total_fen")
    first_bad(
        t,
        oos > total,
        "out_of_scope_fen",
        "政策范围外费用大于总费用",
        "out-of-scope cost exceeds total",
    )
    return care_i, lvl, total, oos


@dataclass(frozen=True)
class _Ordering:
    """The claim order of a table (:func:`yigai.policy.claim_order.claim_order`, with a
    same-day referral's source before its target), its inverse ``to_claim`` (input row →
    claim position; None when the input is in claim order) and the referral links."""

    co: ClaimOrder
    to_claim: np.ndarray | None
    links: tuple[np.ndarray, np.ndarray]  # input rows (:func:`referral_links`)
    encounter: Strings
    day_in: np.ndarray

    @property
    def in_order(self) -> bool:
        return self.to_claim is None

    @classmethod
    def of(cls, t: pa.Table, care_i: np.ndarray, keys: PersonKeys | None) -> _Ordering:
        day_in = numpy_of(t["event_date"].cast(pa.date32()).cast(pa.int32()))
        encounter = Strings.of(t["encounter_id"])  # taken from four times
        co = claim_order(encounter, t["person_id"], day_in, keys)
        order = co.order
        links = referral_links(t, encounter, care_i == CARE_TYPES.index("inpatient"))
        to_claim = None if bool((order[1:] > order[:-1]).all()) else inverse(order)
        if sources_first_in_order(order, co, links, day_in, encounter, to_claim):
            to_claim = None if bool((order[1:] > order[:-1]).all()) else inverse(order)
        return cls(co, to_claim, links, encounter, day_in)


def _packed(
    t: pa.Table,
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    tables: SchemeTables,
    o: _Ordering,
) -> Packed:
    """What the arithmetic reads per claim, packed and scattered into claim order
    (:class:`Packed`). Each claim's scheme table index (segment << KIND_BITS | kind) is
    worked out in input order and moves with the amounts and flags, so a few scatters move
    everything."""
    care_i, lvl, total, oos = columns
    k = claim_kind(
        care_i,
        lvl,
        ~numpy_of(t["in_county"]).astype(bool, copy=False) & ~bool_column(t, "referred"),
    )
    if len(tables.segments) > 1:
        seg_start = np.array([(s.valid_from - EPOCH).days for s in tables.segments], np.int64)
        k |= ((count_below(seg_start, o.day_in, inclusive=True) - 1) << KIND_BITS).astype(k.dtype)
    return Packed.of(
        {
            "total": total,
            "oos": oos,
            "k": k,
            # a covered stay with something eligible (the scalar rule's admission)
            "admission": tables.admission[k] & (total > oos),
            "in_community": bool_column(t, "referral_in_community"),
            "groups": [bool_column(t, f"grp_{name}") for name in tables.group_names],
        },
        to=o.to_claim,
    )


def _blocks(
    t: pa.Table,
    order: np.ndarray,
    packed: Packed,
    tables: SchemeTables,
    person_years: tuple[np.ndarray, np.ndarray, np.ndarray],
    block_year: Callable[[int, int], np.ndarray],
    block_rows: int,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The result columns and each claim's scheme segment, computed a cache block of whole
    person-years at a time; ``person_years``: where each begins, the admissions' positions
    and the deductible each owes; ``block_year``: the year index of claims ``lo:hi``."""
    starts, stays, owed = person_years
    n = order.size
    heads = np.r_[starts, n][np.searchsorted(starts, np.arange(0, n, block_rows))]
    cuts = np.unique(np.r_[heads, n])
    out = {name: np.empty(n, dtype=np.int64) for name in _COMPUTED}
    out["cost_total_fen"] = np.empty(n, dtype=np.int64)
    # one scheme version: zeros, whose pages the kernel need not hand out until written
    segment = np.zeros(n, dtype=np.int32)
    for lo, hi in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        block_starts = starts[np.searchsorted(starts, lo) : np.searchsorted(starts, hi)] - lo
        s_lo, s_hi = np.searchsorted(stays, [lo, hi]).tolist()
        block = packed.rows(lo, hi)
        k = block.column("k")
        if len(tables.segments) > 1:
            segment[lo:hi] = k >> KIND_BITS
        adjudicate_block(
            BlockClaims(
                k=k,
                total=block.column("total", out=out["cost_total_fen"][lo:hi]),
                oos=block.column("oos"),
                groups=block.column("groups"),
                stays=stays[s_lo:s_hi] - lo,
                owed=owed[s_lo:s_hi],
            ),
            tables,
            block_year(lo, hi),
            block_starts,
            {name: col[lo:hi] for name, col in out.items()},
            lambda mask, column, zh, en, lo=lo: first_bad(
                t, mask, column, zh, en, order[lo : lo + mask.size]
            ),
        )
    return out, segment


def _result(
    t: pa.Table,
    o: _Ordering,
    tables: SchemeTables,
    out: dict[str, np.ndarray],
    segment: np.ndarray,
) -> pa.Table:
    """:data:`RESULT_SCHEMA` in claim order: the few string columns move instead of every
    amount (fixed-width ids as fixed-size values, :meth:`Strings.take`)."""
    if o.in_order:
        encounter_ids, person = one_array(t["encounter_id"]), one_array(t["person_id"])
        dates = one_array(t["event_date"]).cast(pa.date32())
    else:
        encounter_ids = o.encounter.take(o.co.order, o.to_claim)
        person = (
            o.co.person_id
            if o.co.person_id is not None
            else Strings.of(t["person_id"]).take(o.co.order, o.to_claim)
        )
        dates = pa.array(o.co.day.astype(np.int32)).view(pa.date32())
    versions = pa.DictionaryArray.from_arrays(
        pa.array(segment), pa.array([s.version for s in tables.segments])
    )
    return pa.Table.from_arrays(
        [
            encounter_ids.cast(pa.string()),
            person.cast(pa.string()),
            dates,
            versions,
            *(pa.array(out[name]) for name in _AMOUNTS),
        ],
        schema=RESULT_SCHEMA,
    )

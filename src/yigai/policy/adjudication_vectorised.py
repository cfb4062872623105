"""Claim adjudication (医保结算) over a whole table of claims, vectorised with numpy/Arrow.

Same rule, same rounding as the scalar reference :mod:`yigai.policy.adjudication` and equal
to it to the fen on every claim (tested on random claim sets). The sequential caps become
exact array arithmetic with one identity: if ``U`` is the running total of what a person-year
would get without a cap, what is paid up to claim *k* is ``min(U_k, cap)``, so a claim's
payment is the difference of consecutive ``min(U, cap)`` values (cumsum → clip → difference).
The same identity gives the outpatient deductible (``min(E, deductible)``), the outpatient and
annual caps, the critical-illness amount (a non-decreasing function of cumulative
out-of-pocket) and the assistance cap. This is why annual amounts may only change on 1
January (:func:`yigai.policy.scheme.schemes_for_year`): the identity needs one cap per year.

Referral stays are resolved by pointer jumping on the parent links
(:func:`yigai.policy.referral_deductible.stay_roots`) and a grouped running maximum.

Ratios are integer millionths and shares use ``floor((2·a·u + S) / 2S)`` — half up, exact.

Input columns (Arrow table or pandas DataFrame): ``encounter_id, person_id, event_date
(date), care_type, level, in_county, cost_total_fen, out_of_scope_fen``, optionally
``referred, referred_from, referral_in_community`` and ``grp_<group>`` booleans. Large tables
are processed in chunks of whole persons (``chunk_rows``) to bound memory. Results come back
one row per claim in claim order: each person's claims together, by event date then
encounter id (when chunked: chunk after chunk). Input already in that order keeps its order.

Speed: claim order comes from one value sort (:mod:`yigai.policy.claim_order`); only the few
encounter ids that ``referred_from`` names are hashed (among inpatient claims). Encounter ids
must be unique (the warehouse key); a duplicate among one person's claims of one day is
rejected. The scheme's per-claim values are look-ups in small tables that the scalar rules
fill in for every kind of claim (care type × level × ratio cut × scheme segment). Everything
the arithmetic reads per claim (the amounts, the table index, the flags and group bits) is
packed side by side into two or three ``int64`` words, block by block in input order, and
each packed block is scattered straight to its claim positions (:class:`_Packed`). Stays
are worked out once over the admissions alone; the rest of the arithmetic runs over blocks
of whole person-years (:data:`BLOCK_ROWS`) that fit in the CPU caches: a block unpacks its
slice of the words there and writes straight into the result columns, and critical illness
and assistance are computed only on the claims that can have any. Results stay in claim order: only the id and
date columns move, fixed-width ids as fixed-size values, and the scheme version is a
dictionary column.

Memory: at ten million claims every column is 80 MB, and in this kind of virtual machine the
kernel's zeroing of freshly touched pages costs as much as a pass of arithmetic, so the
top-level steps work in place where they can (the sort key, the packed words) instead of
allocating a new column per operation; days stay 32-bit, persons are marked by where each
one's claims begin rather than numbered, and row numbers are made a block at a time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from yigai.policy.adjudication import ClaimError, ClaimInput
from yigai.policy.claim_order import (
    ClaimOrder,
    PersonKeys,
    Strings,
    claim_order,
    one_array,
    person_keys,
)
from yigai.policy.money import check_range, ratio_units, share_units
from yigai.policy.referral_deductible import sources_first, stay_roots
from yigai.policy.scheme import CARE_TYPES, LEVELS, Scheme, SchemeBook

EPOCH = dt.date(1970, 1, 1)

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
    years = _years(_np(table["event_date"].cast(pa.date32()).cast(pa.int32())).astype(np.int64))[2]
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


def _np(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return one_array(col).to_numpy(zero_copy_only=False)


def _group_cumsum(
    x: np.ndarray, starts: np.ndarray, lengths: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """Running totals of ``x`` restarting at each of ``starts`` (``out`` must not be ``x``)."""
    cs = np.cumsum(x, out=out)
    cs -= np.repeat(cs[starts] - x[starts], lengths)
    return cs


def _group_diff(c: np.ndarray, starts: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The steps of running totals ``c`` that restart at each of ``starts``."""
    d = np.empty_like(c) if out is None else out
    np.subtract(c[1:], c[:-1], out=d[1:])
    d[starts] = c[starts]
    return d


def _first_bad(
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


def _referral_links(
    t: pa.Table, encounter: Strings, inpatient: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose ``referred_from`` names an inpatient claim of the table, and that
    claim's row (unknown ids and other care types are no stay to continue). Only inpatient
    encounter ids are looked up, and only the few referenced ids are hashed."""
    none = np.zeros(0, dtype=np.int64)
    if "referred_from" not in t.column_names or t["referred_from"].null_count == t.num_rows:
        return none, none
    linked = np.flatnonzero(_np(t["referred_from"].is_valid()))
    wanted = t["referred_from"].take(pa.array(linked))
    stays = np.flatnonzero(inpatient)
    found = _np(pc.is_in(encounter.take(stays), value_set=pc.unique(wanted)))
    target_rows = stays[found]
    if target_rows.size == 0:
        return none, none
    targets = encounter.take(target_rows)
    hit = _np(pc.index_in(wanted, value_set=targets).fill_null(-1))
    ok = hit >= 0
    return linked[ok], target_rows[hit[ok]]


#: Population groups a claim can carry (its group bits index a table of 2**groups rows).
MAX_GROUPS = 12

#: A claim's kind packs what its per-claim scheme values depend on: care type (2 bits),
#: level (3 bits) and whether the unreferred out-of-county ratio cut applies (1 bit).
KIND_BITS = 6


def _kind(care_i: np.ndarray, lvl: np.ndarray, cut: np.ndarray) -> np.ndarray:
    """The kind of each claim (:data:`KIND_BITS`), as ``int32`` (room for the segment)."""
    k = care_i.astype(np.int32)
    k |= lvl.astype(np.int32) << 2
    k |= cut.astype(np.int32) << 5
    return k


@dataclass(frozen=True)
class _Tables:
    """The scheme as small look-up tables, built by asking the scalar rules
    (:class:`yigai.policy.scheme.Scheme`) about every kind of claim: per-claim values indexed
    by ``segment << KIND_BITS | kind`` (:func:`_kind`), annual values by year index,
    assistance by year index and assistance-group bits."""

    segments: list[Scheme]
    annual: list[Scheme]
    group_names: list[str]
    covered: np.ndarray  # 0/1
    outpatient_pool: np.ndarray  # 0/1: covered, and not an admission
    admission: np.ndarray  # bool: covered inpatient
    units: np.ndarray  # ratio in millionths, the cut applied
    first_deductible: np.ndarray
    repeat_deductible: np.ndarray
    top_up_from_paid: np.ndarray  # bool by segment (补足起付线 reading)
    outpatient_deductible: np.ndarray
    outpatient_cap: np.ndarray
    annual_cap: np.ndarray
    assistance_units: np.ndarray  # [year, group bits]
    assistance_cap: np.ndarray  # [year, group bits]

    @classmethod
    def build(cls, book: SchemeBook, years: list[int], groups: Iterable[str] = ()) -> _Tables:
        """The tables of ``years``; ``groups`` (besides the schemes' assistance groups) are
        the input's group columns, each one bit of a claim's group bits."""
        segments = [s for y in years for s in book.year(y)]
        annual = [next(s for s in segments if s.valid_from.year == y) for y in years]
        names = sorted({g for s in annual for g in s.assistance_ratio}.union(groups))
        if len(names) > MAX_GROUPS:
            raise ClaimError(
                "-",
                "grp_*",
                f"人群分类超过 {MAX_GROUPS} 个",
                f"more than {MAX_GROUPS} population groups",
            )
        kinds = [
            (care, level, bool(cut))
            for cut in range(2)
            for level in [*LEVELS, *[None] * (8 - len(LEVELS))]
            for care in [*CARE_TYPES, None]
        ]

        def per_kind(value: Any) -> np.ndarray:
            return np.array(
                [
                    value(s, care, level, cut) if care is not None and level is not None else 0
                    for s in segments
                    for care, level, cut in kinds
                ],
                dtype=np.int64,
            )

        covered = per_kind(lambda s, care, level, cut: s.covers(care, level))
        inpatient = per_kind(lambda s, care, level, cut: care == "inpatient")
        group_sets = [
            [g for i, g in enumerate(names) if bits >> i & 1] for bits in range(1 << len(names))
        ]
        chosen = [[s.assistance_group(gs) for gs in group_sets] for s in annual]
        return cls(
            segments=segments,
            annual=annual,
            group_names=names,
            covered=covered,
            outpatient_pool=covered * (1 - inpatient),
            admission=(covered * inpatient).astype(bool),
            units=per_kind(
                lambda s, care, level, cut: ratio_units(
                    s.ratio(care, level, in_county=not cut, referred=False)
                )
            ),
            first_deductible=per_kind(lambda s, care, level, cut: s.admission_deductible(level, 1)),
            repeat_deductible=per_kind(
                lambda s, care, level, cut: s.admission_deductible(level, 2)
            ),
            top_up_from_paid=np.array([s.referral_top_up_from_paid for s in segments], bool),
            outpatient_deductible=np.array([s.outpatient_deductible_fen for s in annual], np.int64),
            outpatient_cap=np.array([s.outpatient_cap_fen for s in annual], dtype=np.int64),
            annual_cap=np.array([s.annual_cap_fen for s in annual], dtype=np.int64),
            assistance_units=np.array(
                [
                    [0 if g is None else ratio_units(s.assistance_ratio[g]) for g in row]
                    for s, row in zip(annual, chosen, strict=True)
                ],
                dtype=np.int64,
            ),
            assistance_cap=np.array(
                [
                    [0 if g is None else s.assistance_cap_fen[g] for g in row]
                    for s, row in zip(annual, chosen, strict=True)
                ],
                dtype=np.int64,
            ),
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
    n = t.num_rows
    if n == 0:
        return RESULT_SCHEMA.empty_table()

    # ---- checks, in input order
    care_i = _codes(t["care_type"], CARE_TYPES)
    _first_bad(t, care_i < 0, "care_type", "未知就诊类型", "unknown care type", quote=True)
    lvl = _codes(t["level"], LEVELS)
    _first_bad(t, lvl < 0, "level", "未知级别", "unknown level", quote=True)
    total = _np(t["cost_total_fen"]).astype(np.int64, copy=False)
    oos = _np(t["out_of_scope_fen"]).astype(np.int64, copy=False)
    if total.size and int(total.min()) < 0:  # named like the scalar path's (encounter, column)
        _first_bad(t, total < 0, "cost_total_fen", "费用不能为负", "costs must not be negative")
    _first_bad(t, oos < 0, "out_of_scope_fen", "费用不能为负", "costs must not be negative")
    check_range(total, "cost_total_fen")
    _first_bad(
        t,
        oos > total,
        "out_of_scope_fen",
        "政策范围外费用大于总费用",
        "out-of-scope cost exceeds total",
    )

    # ---- claim order; columns reach it by scattering (:func:`_inverse`, :meth:`_Packed.of`)
    day_in = _np(t["event_date"].cast(pa.date32()).cast(pa.int32()))
    encounter = Strings.of(t["encounter_id"])  # taken from four times below
    co = claim_order(encounter, t["person_id"], day_in, keys)
    order = co.order
    inpatient = care_i == CARE_TYPES.index("inpatient")
    raw_links = _referral_links(t, encounter, inpatient)
    in_order = bool((order[1:] > order[:-1]).all())
    # input row → claim position (None: the same)
    to_claim = None if in_order else _inverse(order)
    if _sources_first(order, co, raw_links, day_in, encounter, to_claim):
        in_order = bool((order[1:] > order[:-1]).all())
        to_claim = None if in_order else _inverse(order)

    first_year, year_no, here = _years(co.day)
    present = here if years is None else years
    tables = _Tables.build(
        book, present, [name[4:] for name in t.column_names if name.startswith("grp_")]
    )

    # Each claim's scheme table index (segment << KIND_BITS | kind), worked out in input
    # order and moved with the amounts and flags: all of them packed into two or three words,
    # so a few scatters move everything the arithmetic reads (:class:`_Packed`).
    k = _kind(
        care_i, lvl, ~_np(t["in_county"]).astype(bool, copy=False) & ~_bool_col(t, "referred")
    )
    if len(tables.segments) > 1:
        seg_start = np.array([(s.valid_from - EPOCH).days for s in tables.segments], np.int64)
        k |= ((_count_below(seg_start, day_in, inclusive=True) - 1) << KIND_BITS).astype(k.dtype)
    packed = _Packed.of(
        {
            "total": total,
            "oos": oos,
            "k": k,
            # a covered stay with something eligible (the scalar rule's admission)
            "admission": tables.admission[k] & (total > oos),
            "in_community": _bool_col(t, "referral_in_community"),
            "groups": [_bool_col(t, f"grp_{name}") for name in tables.group_names],
        },
        to=to_claim,
    )
    links = _links(raw_links, to_claim)
    del k

    # ---- person-years; the stays among the admissions
    boundary = np.ones(n, dtype=bool)
    np.not_equal(year_no[1:], year_no[:-1], out=boundary[1:])
    boundary |= co.new_person
    starts = np.flatnonzero(boundary)
    stays = packed.nonzero("admission")
    admission_no = np.zeros(n, dtype=np.int64)
    owed = np.zeros(0, dtype=np.int64)
    if stays.size:
        person_year = np.searchsorted(starts, stays, side="right") - 1
        admission_no[stays], owed = _stays(stays, person_year, links, packed, tables)

    # ---- blocks of whole person-years small enough to stay in cache
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
        _adjudicate_block(
            _Claims(
                k=k,
                total=block.column("total", out=out["cost_total_fen"][lo:hi]),
                oos=block.column("oos"),
                groups=block.column("groups"),
                stays=stays[s_lo:s_hi] - lo,
                owed=owed[s_lo:s_hi],
            ),
            tables,
            _count_below(np.array(present), year_no[lo:hi] + first_year),
            block_starts,
            {name: col[lo:hi] for name, col in out.items()},
            lambda mask, column, zh, en, lo=lo: _first_bad(
                t, mask, column, zh, en, order[lo : lo + mask.size]
            ),
        )
    out["admission_no"] = admission_no

    # Results stay in claim order: the few string columns move instead of every amount
    # (fixed-width ids move as fixed-size values, :meth:`yigai.policy.claim_order.Strings.take`).
    if in_order:
        encounter_ids, person = one_array(t["encounter_id"]), one_array(t["person_id"])
        dates = one_array(t["event_date"]).cast(pa.date32())
    else:
        encounter_ids = encounter.take(order, to_claim)
        person = (
            co.person_id
            if co.person_id is not None
            else Strings.of(t["person_id"]).take(order, to_claim)
        )
        dates = pa.array(co.day.astype(np.int32)).view(pa.date32())
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


def _years(day: np.ndarray) -> tuple[int, np.ndarray, list[int]]:
    """The first year of ``day`` (days since 1970-01-01), each day's year counted from it,
    and the years that occur."""
    first_year = _year_of(int(day.min()))
    last_year = _year_of(int(day.max()))
    new_years = np.array(
        [(dt.date(y, 1, 1) - EPOCH).days for y in range(first_year + 1, last_year + 1)], np.int64
    )
    year_no = _count_below(new_years, day, inclusive=True)
    return first_year, year_no, (np.flatnonzero(np.bincount(year_no)) + first_year).tolist()


def _inverse(order: np.ndarray) -> np.ndarray:
    """The inverse permutation of ``order`` (input row → claim position), filled in blocks
    of :data:`_PACK_ROWS` so that no column of row numbers is made for it. Scattering streams
    the source and leaves the random writes to the store buffers: measured 3–4× faster than
    the equivalent gather on a million-row permutation."""
    inverse = np.empty_like(order)
    for lo in range(0, order.size, _PACK_ROWS):
        hi = min(lo + _PACK_ROWS, order.size)
        inverse[order[lo:hi]] = np.arange(lo, hi, dtype=order.dtype)
    return inverse


def _year_of(day: int) -> int:
    return (EPOCH + dt.timedelta(days=day)).year


#: Rows per block when packing columns (:meth:`_Packed.of`).
_PACK_ROWS = 1 << 15


@dataclass(frozen=True)
class _Packed:
    """Non-negative integer columns packed side by side into ``int64`` words (each column
    as many bits as its largest value needs), so that moving them into claim order costs
    one scatter per word instead of one per column, and a block unpacks its slice of them
    in the CPU caches."""

    words: list[np.ndarray]
    #: column → (word, shift, bits, dtype)
    layout: dict[str, tuple[int, int, int, np.dtype]]

    @classmethod
    def of(
        cls, columns: dict[str, np.ndarray | list[np.ndarray]], to: np.ndarray | None = None
    ) -> _Packed:
        """Pack ``columns``: arrays of non-negative integers, or lists of boolean arrays that
        make the bits of one field (bit *i* from the *i*-th array). ``to``: a permutation;
        row *i* is packed into position ``to[i]``, block by block, so the columns reach that
        order without whole packed columns to move (None: rows stay)."""
        n = next(c.size if isinstance(c, np.ndarray) else c[0].size for c in columns.values())
        layout: dict[str, tuple[int, int, int, np.dtype]] = {}
        parts: list[tuple[np.ndarray, int, int]] = []  # (column, word, shift)
        n_words, shift = 0, 63
        for name, col in columns.items():
            if isinstance(col, list):
                bits, dtype = max(1, len(col)), np.dtype(np.int64)
            else:
                bits = max(1, int(col.max()).bit_length()) if col.size else 1
                dtype = col.dtype
            if shift + bits > 63:
                n_words, shift = n_words + 1, 0
            layout[name] = (n_words - 1, shift, bits, dtype)
            parts += [
                (part, n_words - 1, shift + i)
                for i, part in enumerate(col if isinstance(col, list) else [col])
            ]
            shift += bits
        words = [np.empty(n, dtype=np.int64) for _ in range(n_words)]
        # in blocks of rows, so that the shifts and ors of a block stay in the CPU caches
        rows = min(n, _PACK_ROWS)
        spare, block = np.empty(rows, dtype=np.int64), np.empty((n_words, rows), dtype=np.int64)
        for lo in range(0, n, _PACK_ROWS):
            hi = min(lo + _PACK_ROWS, n)
            s, b = spare[: hi - lo], block[:, : hi - lo]
            b.fill(0)
            for part, word, at in parts:
                s[...] = part[lo:hi]
                s <<= at
                b[word] |= s
            for word, packed in zip(words, b, strict=True):
                if to is None:
                    word[lo:hi] = packed
                else:
                    word[to[lo:hi]] = packed
        return cls(words, layout)

    def rows(self, lo: int, hi: int) -> _Packed:
        """Rows ``lo:hi`` (views, no copy)."""
        return _Packed([w[lo:hi] for w in self.words], self.layout)

    def column(
        self, name: str, rows: np.ndarray | None = None, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Column ``name`` (at ``rows`` only, when given; into ``out``, an ``int64`` array,
        when given)."""
        word, shift, bits, dtype = self.layout[name]
        words = self.words[word] if rows is None else self.words[word][rows]
        if out is None:
            return ((words >> shift) & ((1 << bits) - 1)).astype(dtype)
        np.right_shift(words, shift, out=out)
        out &= (1 << bits) - 1
        return out

    def nonzero(self, name: str) -> np.ndarray:
        """The rows where column ``name`` is not zero."""
        word, shift, bits, _ = self.layout[name]
        return np.flatnonzero(self.words[word] & (((1 << bits) - 1) << shift))


@dataclass(frozen=True)
class _Claims:
    """A block of claims in claim order, as the arithmetic reads them."""

    k: np.ndarray  # scheme table index: segment << KIND_BITS | kind
    total: np.ndarray
    oos: np.ndarray
    groups: np.ndarray  # assistance-group bits
    stays: np.ndarray  # block rows of the covered admissions
    owed: np.ndarray  # the deductible each of them owes (:func:`_stays`)


def _links(
    links: tuple[np.ndarray, np.ndarray], to_claim: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """The referral links (:func:`_referral_links`, input rows) in claim order: the positions
    of the claims whose ``referred_from`` is an inpatient claim of the table (ascending), and
    that claim's position; ``to_claim`` maps input rows to claim positions (None: input is in
    claim order). Links are few, so only they are moved."""
    child, parent = links
    if to_claim is None or not child.size:
        return child, parent
    child, parent = to_claim[child], to_claim[parent]
    by_child = np.argsort(child)
    return child[by_child], parent[by_child]


def _sources_first(
    order: np.ndarray,
    co: ClaimOrder,
    links: tuple[np.ndarray, np.ndarray],
    day_in: np.ndarray,
    encounter: Strings,
    to_claim: np.ndarray | None,
) -> bool:
    """Put, in place in ``order``, the source of a same-day referral before its target
    where encounter ids sort it after (:func:`yigai.policy.adjudication.settling_order`);
    whether anything moved. ``to_claim``: the inverse of ``order`` (None: the identity).
    Such links are rare: only the runs of one person's claims of one day that hold one are
    reordered, by the scalar rule itself
    (:func:`yigai.policy.referral_deductible.sources_first`)."""
    child, parent = links
    same_day = day_in[child] == day_in[parent]
    if not same_day.any():
        return False
    child, parent = child[same_day], parent[same_day]
    at_child, at_parent = (
        (child, parent) if to_claim is None else (to_claim[child], to_claim[parent])
    )
    late = at_parent > at_child
    if not late.any():
        return False
    source_of = dict(zip(child.tolist(), parent.tolist(), strict=True))
    done: set[int] = set()
    for at in np.sort(at_child[late]).tolist():
        lo, hi = _day_run(co, at)
        if lo in done:
            continue
        done.add(lo)
        rows = order[lo:hi].copy()
        ids = encounter.take(rows).to_pylist()
        id_of = dict(zip(rows.tolist(), ids, strict=True))
        sources = [id_of.get(source_of.get(row, -1)) for row in rows.tolist()]
        order[lo:hi] = rows[sources_first(ids, sources)]
    return True


def _day_run(co: ClaimOrder, at: int) -> tuple[int, int]:
    """The claim positions ``lo:hi`` of the person-day of claim position ``at``."""
    lo, hi, n = at, at + 1, co.day.size
    while lo > 0 and not co.new_person[lo] and co.day[lo - 1] == co.day[at]:
        lo -= 1
    while hi < n and not co.new_person[hi] and co.day[hi] == co.day[at]:
        hi += 1
    return lo, hi


@dataclass(frozen=True)
class _Year:
    """The annual values of a block's claims: scalars when the block has one year."""

    index: np.ndarray | int
    outpatient_deductible: np.ndarray | int
    outpatient_cap: np.ndarray | int
    annual_cap: np.ndarray | int

    @classmethod
    def of(cls, tables: _Tables, yidx: np.ndarray) -> _Year:
        index: np.ndarray | int = yidx
        if len(tables.annual) == 1 or (yidx == yidx[0]).all():
            index = int(yidx[0])
        return cls(
            index=index,
            outpatient_deductible=tables.outpatient_deductible[index],
            outpatient_cap=tables.outpatient_cap[index],
            annual_cap=tables.annual_cap[index],
        )


def _adjudicate_block(
    c: _Claims,
    tables: _Tables,
    yidx: np.ndarray,
    starts: np.ndarray,
    out: dict[str, np.ndarray],
    first_bad: Any,
) -> None:
    """Adjudicate one block of whole person-years (arrays in claim order) into ``out``
    (:data:`_COMPUTED`).

    Written for speed on this machine's numpy: per-claim scheme values are look-ups in small
    tables, masks are 0/1 factors rather than ``np.where`` (several times slower), results are
    written straight into ``out``, and the critical-illness and assistance amounts are worked
    out only on the claims that can have any."""
    lengths = np.diff(np.append(starts, c.total.size))
    year = _Year.of(tables, yidx)
    k, stays = c.k, c.stays

    eligible = np.subtract(c.total, c.oos, out=out["eligible_fen"])
    eligible *= tables.covered[k]

    # ---- 起付线: the annual outpatient-pooling deductible, then the stays' (:func:`_stays`)
    pooled = eligible * tables.outpatient_pool[k]
    deductible = _group_diff(
        np.minimum(_group_cumsum(pooled, starts, lengths), year.outpatient_deductible),
        starts,
        out=out["deductible_fen"],
    )
    deductible[stays] = np.minimum(eligible[stays], c.owed)

    # ---- 统筹基金 with the outpatient and annual caps
    uncapped = share_units(eligible - deductible, tables.units[k])
    pooled = uncapped * tables.outpatient_pool[k]
    op_total = np.minimum(
        _group_cumsum(pooled, starts, lengths),
        year.outpatient_cap,
        out=out["cum_outpatient_fund_fen"],
    )
    fund_pre = _group_diff(op_total, starts)
    fund_pre[stays] = uncapped[stays]
    fund_cum = np.minimum(
        _group_cumsum(fund_pre, starts, lengths), year.annual_cap, out=out["cum_fund_fen"]
    )
    fund = _group_diff(fund_cum, starts, out=out["fund_fen"])

    # ---- 大病保险 on cumulative eligible out-of-pocket (none below the critical deductible)
    oop_cum = _group_cumsum(eligible - fund, starts, lengths, out=out["cum_oop_fen"])
    crit_cum = out["cum_critical_fen"]
    crit_cum.fill(0)
    for i, s in enumerate(tables.annual):
        if isinstance(year.index, int) and year.index != i:
            continue
        over = oop_cum > s.critical_deductible_fen
        if not isinstance(year.index, int):
            over &= yidx == i
        rows = np.flatnonzero(over)
        crit_cum[rows] = _critical(oop_cum[rows], s)
    critical = _group_diff(crit_cum, starts, out=out["critical_fen"])

    # ---- 医疗救助 by the person's most generous group (only persons in a group)
    assist_cum, assistance = out["cum_assistance_fen"], out["assistance_fen"]
    assist_cum.fill(0)
    assistance.fill(0)
    rows = np.flatnonzero(c.groups)
    if rows.size:
        _check_groups_constant(c.groups, starts, lengths, tables.group_names, first_bad)
        year_of_row = year.index if isinstance(year.index, int) else yidx[rows]
        at = year_of_row * tables.assistance_units.shape[1] + c.groups[rows]
        # the rows of a person-year stay together, so the running totals restart where the
        # person-year changes
        first = np.flatnonzero(np.r_[True, np.diff(np.searchsorted(starts, rows, "right")) != 0])
        remaining = eligible[rows] - fund[rows] - critical[rows]
        capped = np.minimum(
            _group_cumsum(
                share_units(remaining, tables.assistance_units.ravel()[at]),
                first,
                np.diff(np.append(first, rows.size)),
            ),
            tables.assistance_cap.ravel()[at],
        )
        assist_cum[rows] = capped
        assistance[rows] = _group_diff(capped, first)

    patient = np.subtract(c.total, fund, out=out["patient_fen"])
    patient -= critical
    patient -= assistance


def _check_groups_constant(
    groups: np.ndarray, starts: np.ndarray, lengths: np.ndarray, names: list[str], first_bad: Any
) -> None:
    """A person's assistance groups are one fact of the year: refuse a claim that differs."""
    changed = groups != np.repeat(groups[starts], lengths)
    if not changed.any():
        return
    row = int(np.flatnonzero(changed)[0])
    start = starts[np.searchsorted(starts, row, side="right") - 1]
    bit = (int(groups[row]) ^ int(groups[start])).bit_length() - 1
    mask = np.zeros(groups.size, dtype=bool)
    mask[row] = True
    first_bad(
        mask,
        f"grp_{names[bit]}",
        "同一年度内人群分类不一致",
        "groups differ within the person-year",
    )


def _stays(
    rows: np.ndarray,
    person_year: np.ndarray,
    links: tuple[np.ndarray, np.ndarray],
    packed: _Packed,
    tables: _Tables,
) -> tuple[np.ndarray, np.ndarray]:
    """Admission number and deductible owed (before the cap at the eligible cost) of each
    covered admission (claim-order positions ``rows``, with their person-year numbers);
    ``links``: the referral links (:func:`_links`).

    An admission continues the stay of the claim it was referred from when the referral was
    within the community and that claim is an earlier covered admission of the same
    person-year; stays are found by pointer jumping (:func:`stay_roots`) on the admissions
    alone, and only stays of several admissions need the running maximum."""
    m = rows.size
    own = np.arange(m)
    root = own
    child, parent = links
    if child.size:
        linked = np.minimum(np.searchsorted(rows, child), m - 1)  # the child among admissions
        at = np.minimum(np.searchsorted(rows, parent), m - 1)  # the parent among admissions
        ok = (
            (rows[linked] == child)
            & (parent < child)
            & (rows[at] == parent)
            & (person_year[at] == person_year[linked])
            & packed.column("in_community", child).astype(bool)
        )
        link = own.copy()
        link[linked[ok]] = at[ok]
        root = stay_roots(link)
    first = np.flatnonzero(np.r_[True, person_year[1:] != person_year[:-1]])
    ordinal = _group_cumsum((root == own).astype(np.int64), first, np.diff(np.append(first, m)))
    admission_no = ordinal[root]
    kk = packed.column("k", rows)
    owed = np.where(admission_no > 1, tables.repeat_deductible[kk], tables.first_deductible[kk])
    continuing = root != own
    if continuing.any():
        members = np.flatnonzero(continuing | np.isin(own, root[continuing]))
        at = rows[members]
        owed[members] = _stay_owed(
            root[members],
            owed[members],
            tables.repeat_deductible[kk[members]],
            packed.column("total", at) - packed.column("oos", at),
            tables.top_up_from_paid[kk[members] >> KIND_BITS],
        )
    return admission_no, owed


def _stay_owed(
    root: np.ndarray,
    nominal: np.ndarray,
    as_new: np.ndarray,
    eligible: np.ndarray,
    from_paid: np.ndarray,
) -> np.ndarray:
    """What each admission of stays of several owes: a stay's first admission its nominal
    deductible, a continuing one its nominal above what the stay counted so far — the
    highest nominal, or (``from_paid``) the deductible paid — held to ``as_new``
    (:func:`yigai.policy.referral_deductible.continued_deductible`). What is paid depends
    on what was owed before, so the admissions are taken a position in their stay at a
    time, all stays at once (stays are short chains)."""
    by_stay = np.argsort(root, kind="stable")  # stays together, claim order within
    r = root[by_stay]
    nom, new, elig, paid_rule = (
        nominal[by_stay],
        as_new[by_stay],
        eligible[by_stay],
        from_paid[by_stay],
    )
    index = np.arange(r.size)
    first = np.r_[True, r[1:] != r[:-1]]
    position = index - np.maximum.accumulate(np.where(first, index, 0))
    owed = nom.copy()
    paid = np.minimum(elig, nom)  # running totals of the stay, valid at position 0
    top = nom.copy()
    for step in range(1, int(position.max()) + 1):
        at = np.flatnonzero(position == step)
        counted = np.where(paid_rule[at], paid[at - 1], top[at - 1])
        owed[at] = np.maximum(0, np.minimum(nom[at] - counted, new[at]))
        paid[at] = paid[at - 1] + np.minimum(elig[at], owed[at])
        top[at] = np.maximum(top[at - 1], nom[at])
    out = np.empty_like(owed)
    out[by_stay] = owed
    return out


def _bool_col(t: pa.Table, name: str) -> np.ndarray:
    if name not in t.column_names:
        return np.zeros(t.num_rows, dtype=bool)
    return _np(t[name].fill_null(False)).astype(bool, copy=False)


def _codes(col: pa.ChunkedArray, values: list[str]) -> np.ndarray:
    """Each row's index in ``values`` (-1: not among them). A dictionary column (as the
    warehouse stores care types and levels) is looked up through its few dictionary values
    instead of row by row."""
    arr = one_array(col)
    if pa.types.is_dictionary(arr.type):
        found = pc.index_in(arr.dictionary.cast(pa.string()), value_set=pa.array(values))
        return _np(found.fill_null(-1)).astype(np.int32)[_np(arr.indices)]
    return _np(pc.index_in(arr, value_set=pa.array(values)).fill_null(-1))


def _critical(oop_cum: np.ndarray, s: Scheme) -> np.ndarray:
    """The tier formula of :meth:`yigai.policy.scheme.Scheme.critical_payable` by look-up:
    the tiers below a claim's are whole (their rounded shares summed once), so only the
    claim's own tier is computed per row."""
    base = np.subtract(oop_cum, s.critical_deductible_fen)
    brackets = s.critical_brackets
    if not brackets:
        return np.zeros_like(base)
    # a zeroth tier below the first threshold pays nothing
    threshold = np.array([-1, *(b.threshold_fen for b in brackets)], dtype=np.int64)
    units = np.array([0, *(ratio_units(b.rate) for b in brackets)], dtype=np.int64)
    whole = [0, 0]
    for i in range(1, len(brackets)):
        whole.append(whole[-1] + share_units(int(threshold[i + 1] - threshold[i]), int(units[i])))
    np.maximum(base, 0, out=base)
    tier = _count_below(threshold[1:], base)  # threshold[tier] < base (tier 0: none)
    base -= threshold[tier]
    total = share_units(base, units[tier])
    total += np.array(whole, dtype=np.int64)[tier]
    return np.minimum(total, s.critical_cap_fen)


def _count_below(edges: np.ndarray, values: np.ndarray, *, inclusive: bool = False) -> np.ndarray:
    """How many ``edges`` (ascending) lie below each value (or at it, when ``inclusive``): a
    ``searchsorted``, done as a few comparisons when there are few edges (several times faster
    than numpy's per-element binary search)."""
    if edges.size > 8:
        return np.searchsorted(edges, values, side="right" if inclusive else "left")
    count = np.zeros(values.shape, dtype=np.int64)
    for edge in edges.tolist():
        count += (values >= edge) if inclusive else (values > edge)
    return count

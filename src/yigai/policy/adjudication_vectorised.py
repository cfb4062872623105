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
one row per claim, each person's claims together in claim order (persons in no set
order; chunk after chunk when chunked).

Speed: claim order is found with integer sort keys (person code, day); only claims of one
person on one day are ordered by their encounter-id strings, and only the few encounter ids
that ``referred_from`` names are hashed. Encounter ids must be unique (the warehouse key);
a duplicate among one person's claims of one day is rejected.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from yigai.policy.adjudication import ClaimError, ClaimInput
from yigai.policy.money import check_range, ratio_units, share_units
from yigai.policy.referral_deductible import stay_roots
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

RESULT_SCHEMA = pa.schema(
    [
        pa.field("encounter_id", pa.string(), nullable=False),
        pa.field("person_id", pa.string(), nullable=False),
        pa.field("event_date", pa.date32(), nullable=False),
        pa.field("scheme_version", pa.string(), nullable=False),
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
    chunk_rows: int = 4_000_000,
) -> pa.Table:
    """Adjudicate every claim of ``claims`` under ``region``'s scheme.

    Returns :data:`RESULT_SCHEMA`, one row per claim, in the input's row order (each claim is
    adjudicated in claim order — event date, encounter id — within its person and year).
    """
    table = (
        pa.Table.from_pandas(claims, preserve_index=False)
        if isinstance(claims, pd.DataFrame)
        else claims
    )
    _check_columns(table)
    book = SchemeBook(region, root=root)
    if table.num_rows <= chunk_rows:
        return _adjudicate(table, book)
    persons = pc.dictionary_encode(table["person_id"]).combine_chunks().indices.to_numpy()
    n_chunks = math.ceil(table.num_rows / chunk_rows)
    parts = []
    for chunk in range(n_chunks):
        rows = np.flatnonzero(persons % n_chunks == chunk)
        if rows.size:
            parts.append(_adjudicate(table.take(pa.array(rows)), book))
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
    return (
        col.to_numpy(zero_copy_only=False)
        if isinstance(col, pa.Array)
        else col.combine_chunks().to_numpy(zero_copy_only=False)
    )


def _gather(index: np.ndarray | None, *columns: np.ndarray) -> list[np.ndarray]:
    """The columns permuted by ``index`` (None: already in order). Gathering row-stacked
    columns in one pass was measured slower than one gather per column, so it is not done."""
    return list(columns) if index is None else [col[index] for col in columns]


def _group_cumsum(x: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    cs = np.cumsum(x)
    return cs - np.repeat(cs[starts] - x[starts], lengths)


def _group_diff(c: np.ndarray, starts: np.ndarray) -> np.ndarray:
    d = np.empty_like(c)
    d[0:1] = c[0:1]
    d[1:] = c[1:] - c[:-1]
    d[starts] = c[starts]
    return d


def _person_codes(person: pa.ChunkedArray) -> np.ndarray:
    """Integer codes grouping rows by person. Claims usually arrive grouped by person; then
    consecutive-run codes are exact once the run heads are shown distinct, which hashes one id
    per person instead of one per claim. Otherwise every id is dictionary-encoded."""
    ids = person.combine_chunks()
    n = len(ids)
    if n > 1:
        change = _np(pc.not_equal(ids[1:], ids[:-1]))
        runs = int(change.sum()) + 1
        if runs <= n // 2:
            heads = ids.take(pa.array(np.r_[0, np.flatnonzero(change) + 1]))
            if pc.count_distinct(heads).as_py() == runs:
                return np.r_[0, np.cumsum(change)]
    return _np(pc.dictionary_encode(ids).indices)


def _claim_order(t: pa.Table, person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Row order by person, event date, encounter id. Integer keys sort everything but ties
    of one person on one day, which alone are ordered by their encounter id strings."""
    key = (person.astype(np.int64) << 24) | (day - day.min())  # days span < 2**24
    order = np.argsort(key)  # ties are ordered below, so an unstable sort is fine
    ks = key[order]
    same = ks[1:] == ks[:-1]
    if not same.any():
        return order
    tied = np.zeros(len(order), dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    sub = np.flatnonzero(tied)
    run = np.cumsum(np.r_[True, ~same])[sub]
    ids = t["encounter_id"].take(pa.array(order[sub]))
    perm = pc.sort_indices(
        pa.table({"run": run, "id": ids}), [("run", "ascending"), ("id", "ascending")]
    ).to_numpy()
    ids_sorted, run_sorted = ids.take(pa.array(perm)), run[perm]
    dup = _np(pc.equal(ids_sorted[1:], ids_sorted[:-1])) & (run_sorted[1:] == run_sorted[:-1])
    if dup.any():
        eid = str(ids_sorted[int(np.flatnonzero(dup)[0])])
        raise ClaimError(eid, "encounter_id", "就诊流水号重复", "duplicate encounter ids")
    order[sub] = order[sub][perm]
    return order


def _first_bad(
    table: pa.Table,
    mask: np.ndarray,
    column: str,
    zh: str,
    en: str,
    order: np.ndarray | None = None,
) -> None:
    """Raise for the first row where ``mask`` holds (rows in claim order when ``order`` given)."""
    if mask.any():
        row = int(np.flatnonzero(mask)[0])
        if order is not None:
            row = int(order[row])
        raise ClaimError(str(table["encounter_id"][row]), column, zh, en)


def _referral_parents(t: pa.Table) -> np.ndarray:
    """For each row, the input row of its ``referred_from`` encounter (-1 if none or unknown).
    Only the few referenced ids are hashed, not every encounter id."""
    n = t.num_rows
    out = np.full(n, -1, dtype=np.int64)
    if "referred_from" not in t.column_names or t["referred_from"].null_count == n:
        return out
    linked = np.flatnonzero(_np(t["referred_from"].is_valid()))
    wanted = t["referred_from"].take(pa.array(linked))
    target_rows = np.flatnonzero(_np(pc.is_in(t["encounter_id"], value_set=pc.unique(wanted))))
    if target_rows.size == 0:
        return out
    targets = t["encounter_id"].take(pa.array(target_rows))
    hit = _np(pc.index_in(wanted, value_set=targets).fill_null(-1))
    ok = hit >= 0
    out[linked[ok]] = target_rows[hit[ok]]
    return out


def _adjudicate(t: pa.Table, book: SchemeBook) -> pa.Table:
    n = t.num_rows
    if n == 0:
        return RESULT_SCHEMA.empty_table()

    # ---- checks, in input order
    care_i = _np(pc.index_in(t["care_type"], value_set=pa.array(CARE_TYPES)).fill_null(-1))
    _first_bad(t, care_i < 0, "care_type", "未知就诊类型", "unknown care type")
    lvl = _np(pc.index_in(t["level"], value_set=pa.array(LEVELS)).fill_null(-1))
    _first_bad(t, lvl < 0, "level", "未知级别", "unknown level")
    total = _np(t["cost_total_fen"]).astype(np.int64)
    oos = _np(t["out_of_scope_fen"]).astype(np.int64)
    check_range(total, "cost_total_fen")
    _first_bad(t, oos < 0, "out_of_scope_fen", "费用不能为负", "costs must not be negative")
    _first_bad(
        t,
        oos > total,
        "out_of_scope_fen",
        "政策范围外费用大于总费用",
        "out-of-scope cost exceeds total",
    )

    # ---- claim order; every array below is in claim order
    day_in = _np(t["event_date"].cast(pa.date32()).cast(pa.int32())).astype(np.int64)
    person_in = _person_codes(t["person_id"])
    order = _claim_order(t, person_in, day_in)
    in_order = bool((order[1:] > order[:-1]).all())  # already sorted: skip the permutations

    inverse = order if in_order else np.empty(n, dtype=np.int64)
    if not in_order:
        inverse[order] = np.arange(n)
    days, person, care_i, lvl, total, oos, in_county, referred, in_community = _gather(
        None if in_order else order,
        day_in,  # days since 1970-01-01
        person_in,
        care_i,
        lvl,
        total,
        oos,
        _np(t["in_county"]).astype(bool),
        _bool_col(t, "referred"),
        _bool_col(t, "referral_in_community"),
    )
    first_year = int(days.min().astype("datetime64[D]").astype("datetime64[Y]").astype(int)) + 1970
    last_year = int(days.max().astype("datetime64[D]").astype("datetime64[Y]").astype(int)) + 1970
    new_years = np.array(
        [(dt.date(y, 1, 1) - EPOCH).days for y in range(first_year + 1, last_year + 1)], np.int64
    )
    years = first_year + np.searchsorted(new_years, days, side="right")
    boundary = np.ones(n, dtype=bool)
    boundary[1:] = (person[1:] != person[:-1]) | (years[1:] != years[:-1])
    starts = np.flatnonzero(boundary)
    lengths = np.diff(np.append(starts, n))
    gid = np.cumsum(boundary) - 1

    inpatient = care_i == CARE_TYPES.index("inpatient")

    # ---- scheme segments: per-claim values by segment, annual values by year
    present = np.flatnonzero(np.bincount(years - first_year)) + first_year
    year_list = present.tolist()
    segments: list[Scheme] = [s for y in year_list for s in book.year(y)]
    seg_start = np.array([(s.valid_from - EPOCH).days for s in segments], dtype=np.int64)
    seg = np.searchsorted(seg_start, days, side="right") - 1
    yidx = np.searchsorted(present, years)
    annual = [next(s for s in segments if s.valid_from.year == y) for y in year_list]

    # per-claim tables indexed by (segment, inpatient?, level), looked up once per claim
    def by_care(inp: object, out: object) -> np.ndarray:
        return (
            np.array(
                [[[out(s, lv), inp(s, lv)] for lv in LEVELS] for s in segments], dtype=np.int64
            )
            .transpose(0, 2, 1)
            .ravel()
        )

    cov_tab = by_care(
        lambda s, lv: lv in s.inpatient_ratio, lambda s, lv: lv in s.outpatient_ratio
    ).astype(bool)
    units_tab = by_care(
        lambda s, lv: ratio_units(s.inpatient_ratio.get(lv, 0)),
        lambda s, lv: ratio_units(s.outpatient_ratio.get(lv, 0)),
    )
    first_tab = by_care(lambda s, lv: s.admission_deductible(lv, 1), lambda s, lv: 0)
    repeat_tab = by_care(lambda s, lv: s.admission_deductible(lv, 2), lambda s, lv: 0)
    cut = np.array([ratio_units(s.unreferred_ratio_cut) for s in segments], dtype=np.int64)

    k = (seg * 2 + inpatient) * len(LEVELS) + lvl
    covered = cov_tab[k]
    cov_ip = covered & inpatient
    cov_op = covered & ~inpatient
    units = units_tab[k]
    cut_here = ~in_county & ~referred
    units[cut_here] = np.maximum(0, units[cut_here] - cut[seg[cut_here]])
    eligible = np.where(covered, total - oos, 0)

    # ---- 起付线: inpatient stays (with in-community referral links)
    rows = np.arange(n)
    parent = rows.copy()
    parent_in = _referral_parents(t)[order]
    pos = np.where(parent_in >= 0, inverse[np.maximum(parent_in, 0)], -1)
    ok = cov_ip & in_community & (pos >= 0)
    safe = np.where(ok, pos, 0)
    ok &= (safe < rows) & (gid[safe] == gid) & cov_ip[safe]
    parent[ok] = safe[ok]
    root = stay_roots(parent)
    is_root = cov_ip & (root == rows)
    ordinal = _group_cumsum(is_root.astype(np.int64), starts, lengths)
    admission_no = np.where(cov_ip, ordinal[root], 0)
    nominal = np.where(admission_no > 1, repeat_tab[k], first_tab[k])
    ip_rows = np.flatnonzero(cov_ip)
    owed = np.zeros(n, dtype=np.int64)
    if ip_rows.size:
        frame = pd.DataFrame({"root": root[ip_rows], "nominal": nominal[ip_rows]})
        stay_max = frame.groupby("root", sort=False)["nominal"].cummax()
        before = stay_max.groupby(frame["root"], sort=False).shift(1).fillna(0).to_numpy(np.int64)
        own = frame["nominal"].to_numpy(np.int64)
        owed[ip_rows] = np.where(is_root[ip_rows], own, np.maximum(0, own - before))
    ded_ip = np.minimum(eligible, owed)

    # ---- 起付线: annual outpatient-pooling deductible
    op_ded = np.array([s.outpatient_deductible_fen for s in annual], dtype=np.int64)[yidx]
    e_cum = _group_cumsum(np.where(cov_op, eligible, 0), starts, lengths)
    ded_op = _group_diff(np.minimum(e_cum, op_ded), starts)
    deductible = np.where(cov_ip, ded_ip, np.where(cov_op, ded_op, 0))

    # ---- 统筹基金 with the outpatient and annual caps
    uncapped = np.where(covered, share_units(eligible - deductible, units), 0)
    op_cap = np.array([s.outpatient_cap_fen for s in annual], dtype=np.int64)[yidx]
    op_total = np.minimum(_group_cumsum(np.where(inpatient, 0, uncapped), starts, lengths), op_cap)
    fund_pre = np.where(inpatient, uncapped, _group_diff(op_total, starts))
    cap = np.array([s.annual_cap_fen for s in annual], dtype=np.int64)[yidx]
    fund_cum = np.minimum(_group_cumsum(fund_pre, starts, lengths), cap)
    fund = _group_diff(fund_cum, starts)

    # ---- 大病保险 on cumulative eligible out-of-pocket
    oop_cum = _group_cumsum(eligible - fund, starts, lengths)
    crit_cum = np.zeros(n, dtype=np.int64)
    for i, s in enumerate(annual):
        mask = yidx == i
        crit_cum[mask] = _critical(oop_cum[mask], s)
    critical = _group_diff(crit_cum, starts)

    # ---- 医疗救助 by the person's most generous group
    assistance, assist_cum = _assistance(
        t, order, annual, yidx, starts, lengths, eligible - fund - critical
    )

    patient = total - fund - critical - assistance

    # Results go out in input order: moving integers back is far cheaper than moving the id
    # strings into claim order.
    seg_out, *amounts = _gather(
        None if in_order else inverse,
        seg,
        total,
        eligible,
        deductible,
        fund,
        critical,
        assistance,
        patient,
        admission_no,
        fund_cum,
        op_total,
        oop_cum,
        crit_cum,
        assist_cum,
    )
    versions = pa.DictionaryArray.from_arrays(
        pa.array(seg_out.astype(np.int32)), pa.array([s.version for s in segments])
    ).cast(pa.string())
    return pa.Table.from_arrays(
        [
            t["encounter_id"].combine_chunks().cast(pa.string()),
            t["person_id"].combine_chunks().cast(pa.string()),
            t["event_date"].combine_chunks().cast(pa.date32()),
            versions,
            *(pa.array(x.astype(np.int64, copy=False)) for x in amounts),
        ],
        schema=RESULT_SCHEMA,
    )


def _bool_col(t: pa.Table, name: str) -> np.ndarray:
    if name not in t.column_names:
        return np.zeros(t.num_rows, dtype=bool)
    return _np(t[name].fill_null(False)).astype(bool)


def _critical(oop_cum: np.ndarray, s: Scheme) -> np.ndarray:
    base = np.maximum(0, oop_cum - s.critical_deductible_fen)
    total = np.zeros_like(base)
    brackets = s.critical_brackets
    for i, bracket in enumerate(brackets):
        width = base - bracket.threshold_fen
        if i + 1 < len(brackets):
            width = np.minimum(width, brackets[i + 1].threshold_fen - bracket.threshold_fen)
        total += share_units(np.maximum(0, width), ratio_units(bracket.rate))
    return np.minimum(total, s.critical_cap_fen)


def _assistance(
    t: pa.Table,
    order: np.ndarray,
    annual: list[Scheme],
    yidx: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    remaining: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    n = t.num_rows
    units = np.zeros(n, dtype=np.int64)
    cap = np.zeros(n, dtype=np.int64)
    flags: dict[str, np.ndarray] = {}
    for i, s in enumerate(annual):
        year_rows = yidx == i
        chosen = np.zeros(n, dtype=bool)
        ranking = sorted(
            s.assistance_ratio,
            key=lambda g, s=s: (s.assistance_ratio[g], s.assistance_cap_fen.get(g, 0), g),
            reverse=True,
        )
        for group in ranking:
            if group not in flags:
                flags[group] = _bool_col(t, f"grp_{group}")[order]  # claim order
            take = year_rows & flags[group] & ~chosen
            units[take] = ratio_units(s.assistance_ratio[group])
            cap[take] = s.assistance_cap_fen[group]
            chosen |= take
    for group, flag in flags.items():
        changed = flag != np.repeat(flag[starts], lengths)
        _first_bad(
            t,
            changed,
            f"grp_{group}",
            "同一年度内人群分类不一致",
            "groups differ within the person-year",
            order,
        )
    paid = np.minimum(_group_cumsum(share_units(remaining, units), starts, lengths), cap)
    return _group_diff(paid, starts), paid

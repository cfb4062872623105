"""Referral links in claim order, and the one exception to the sort (结算顺序): on one day
the source of a referral is settled before its target, whatever their encounter ids."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.policy.claim_order import ClaimOrder, Strings
from yigai.policy.referral_deductible import sources_first
from yigai.policy.vectorised.common import numpy_of


def referral_links(
    t: pa.Table, encounter: Strings, inpatient: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose ``referred_from`` names an inpatient claim of the table, and that
    claim's row (unknown ids and other care types are no stay to continue). Only inpatient
    encounter ids are looked up, and only the few referenced ids are hashed."""
    none = np.zeros(0, dtype=np.int64)
    if "referred_from" not in t.column_names or t["referred_from"].null_count == t.num_rows:
        return none, none
    linked = np.flatnonzero(numpy_of(t["referred_from"].is_valid()))
    wanted = t["referred_from"].take(pa.array(linked))
    stays = np.flatnonzero(inpatient)
    found = numpy_of(pc.is_in(encounter.take(stays), value_set=pc.unique(wanted)))
    target_rows = stays[found]
    if target_rows.size == 0:
        return none, none
    targets = encounter.take(target_rows)
    hit = numpy_of(pc.index_in(wanted, value_set=targets).fill_null(-1))
    ok = hit >= 0
    return linked[ok], target_rows[hit[ok]]


def links_in_claim_order(
    links: tuple[np.ndarray, np.ndarray], to_claim: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """The referral links (:func:`referral_links`, input rows) in claim order: the positions
    of the claims whose ``referred_from`` is an inpatient claim of the table (ascending), and
    that claim's position; ``to_claim`` maps input rows to claim positions (None: input is in
    claim order). Links are few, so only they are moved."""
    child, parent = links
    if to_claim is None or not child.size:
        return child, parent
    child, parent = to_claim[child], to_claim[parent]
    by_child = np.argsort(child)
    return child[by_child], parent[by_child]


def sources_first_in_order(
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
        lo, hi = day_run(co, at)
        if lo in done:
            continue
        done.add(lo)
        rows = order[lo:hi].copy()
        ids = encounter.take(rows).to_pylist()
        id_of = dict(zip(rows.tolist(), ids, strict=True))
        sources = [id_of.get(source_of.get(row, -1)) for row in rows.tolist()]
        order[lo:hi] = rows[sources_first(ids, sources)]
    return True


def day_run(co: ClaimOrder, at: int) -> tuple[int, int]:
    """The claim positions ``lo:hi`` of the person-day of claim position ``at``."""
    lo, hi, n = at, at + 1, co.day.size
    while lo > 0 and not co.new_person[lo] and co.day[lo - 1] == co.day[at]:
        lo -= 1
    while hi < n and not co.new_person[hi] and co.day[hi] == co.day[at]:
        hi += 1
    return lo, hi

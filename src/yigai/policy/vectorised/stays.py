"""Stays (住院次数与起付线): each covered admission's number in the year and the deductible
it owes, continuing in-community referral stays (:mod:`yigai.policy.referral_deductible`)."""

from __future__ import annotations

import numpy as np

from yigai.policy.referral_deductible import stay_roots
from yigai.policy.vectorised.common import group_cumsum
from yigai.policy.vectorised.packing import Packed
from yigai.policy.vectorised.scheme_tables import KIND_BITS, SchemeTables


def admissions_and_owed(
    rows: np.ndarray,
    person_year: np.ndarray,
    links: tuple[np.ndarray, np.ndarray],
    packed: Packed,
    tables: SchemeTables,
) -> tuple[np.ndarray, np.ndarray]:
    """Admission number and deductible owed (before the cap at the eligible cost) of each
    covered admission (claim-order positions ``rows``, with their person-year numbers);
    ``links``: the referral links (:func:`links_in_claim_order`).

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
    ordinal = group_cumsum((root == own).astype(np.int64), first, np.diff(np.append(first, m)))
    admission_no = ordinal[root]
    kk = packed.column("k", rows)
    owed = np.where(admission_no > 1, tables.repeat_deductible[kk], tables.first_deductible[kk])
    continuing = root != own
    if continuing.any():
        members = np.flatnonzero(continuing | np.isin(own, root[continuing]))
        at = rows[members]
        owed[members] = stay_owed(
            root[members],
            owed[members],
            tables.repeat_deductible[kk[members]],
            packed.column("total", at) - packed.column("oos", at),
            tables.top_up_from_paid[kk[members] >> KIND_BITS],
        )
    return admission_no, owed


def stay_owed(
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

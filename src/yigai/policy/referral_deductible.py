"""Deductibles across a referral within one community (医共体内转诊连续计算起付线).

Rule (seed 002, 《湛江市加强紧密型县域医疗卫生共同体建设实施方案》三（六）): inside one
community, a patient referred **down** during one stay does not pay a second deductible (起付线
连续计算); a patient referred **up** only tops the deductible up to the higher level's
(补足起付线差额). Outside the community, or without a referral, each admission pays its own.

yigai's working form of the rule, one formula for both directions: the admissions linked by
in-community referrals form one *stay* (an episode). An admission that continues a stay owes

    max(0, its own nominal deductible − the highest nominal deductible already owed in the stay)

so a down-referral owes 0 and an up-referral owes the difference between the two levels'
deductibles (起付线差额) — the difference of the *standards*, whether or not the earlier
admission's eligible cost reached its own deductible. A stay counts as one admission for the
"2nd admission of the year" deductible.

**补足起付线: two readings, a parameter.** "向上转诊补足起付线标准" can mean the difference
of the two levels' standards (above), or the higher standard minus what the stay actually
paid — more when the lower stay cost less than its deductible (a township stay of 5 yuan
against a 20-yuan standard, then the city at 80: 60 by the standards, 75 by what was paid).
The default is the standards: the seed speaks of the 标准, and local rules commonly write
"补足两级医疗机构起付标准差额"; a region whose rule counts what was paid sets
``inpatient.referral_top_up_from_paid: true``, and then a continuing admission owes its own
standard minus the deductible paid so far in the stay (down-referrals too: 连续计算 counts
what was paid). Either way the cap below applies.

**Never more than no referral.** The top-up is computed on the stay's own ordinal (a stay
begun as the year's 1st admission tops up to the 1st-admission standard), so where a region
lowers the deductible of a later admission (孝感: 三级 800 → 400) a linked up-referral could
owe more (800 − 200 = 600) than the same admission unlinked, which as the year's 2nd
admission owes 400. The policy's purpose is to reward referral (引导群众基层就医), so a
continuing admission owes at most what it would owe as a stay of its own — the later-
admission deductible at its level. A stay counts once, so every later stay of the year is
a later admission with or without the link: no other claim's deductible changes, and the
patient's share of the person-year is never higher with the link (tested as a property).

The episode links are given per claim by ``referred_from`` (the encounter the patient was
referred from; settlement finds it within the dated episode window
``inpatient.referral_episode_days``, :mod:`yigai.policy.settle`) and
``referral_in_community`` (both institutions in the same community on the day). A link is
honoured only when it points to an earlier covered inpatient claim of the same person in the
same year; otherwise the admission starts a stay of its own. On one day the source of a
referral is settled before its target whatever their encounter ids (:func:`sources_first`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def continued_deductible(nominal_fen: int, counted_fen: int, new_stay_fen: int) -> int:
    """What an admission continuing a stay owes: its deductible standard above what the stay
    already counts (the highest standard owed in it, or what it paid, as the region reads
    补足起付线), but never more than it would owe as a stay of its own (``new_stay_fen``, the
    deductible of a later admission of the year): a referral must never cost the patient
    more than no referral."""
    return max(0, min(nominal_fen - counted_fen, new_stay_fen))


def stay_roots(parent: np.ndarray) -> np.ndarray:
    """The first admission of each claim's stay, given each claim's honoured parent (itself if
    none). Parents always point to earlier rows, so pointer-jumping reaches the root in
    ``log2(longest chain)`` passes."""
    root = parent.copy()
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def sources_first(ids: Sequence[str], sources: Sequence[str | None]) -> list[int]:
    """The settling order of one person's claims of one day, given in encounter-id order with
    the encounter each was referred from (``sources``, None for none): encounter-id order,
    except that a claim waits for the claim it was referred from when that claim is among
    them — the source of a referral is settled before its target, whatever the ids. (A
    cycle of same-day referrals, which no real transfer makes, is broken in id order.)"""
    position = {eid: i for i, eid in enumerate(ids)}
    waits = [position.get(src, -1) if src is not None else -1 for src in sources]
    waits = [w if w != i else -1 for i, w in enumerate(waits)]
    done = [False] * len(ids)
    out: list[int] = []
    while len(out) < len(ids):
        ready = [i for i in range(len(ids)) if not done[i] and (waits[i] < 0 or done[waits[i]])]
        nxt = ready[0] if ready else done.index(False)
        done[nxt] = True
        out.append(nxt)
    return out

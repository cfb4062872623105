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
admission's eligible cost reached its own deductible, as the policy text words it. A stay
counts as one admission for the "2nd admission of the year" deductible.

The episode links are given per claim by ``referred_from`` (the encounter the patient was
referred from) and ``referral_in_community`` (both institutions in the same community on the
day). A link is honoured only when it points to an earlier covered inpatient claim of the
same person in the same year; otherwise the admission starts a stay of its own.
"""

from __future__ import annotations

import numpy as np


def continued_deductible(nominal_fen: int, stay_max_nominal_fen: int) -> int:
    """What an admission continuing a stay owes: its deductible above what the stay already owed."""
    return max(0, nominal_fen - stay_max_nominal_fen)


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

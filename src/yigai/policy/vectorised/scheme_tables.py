"""The scheme as small look-up tables (待遇方案查表), filled in by the scalar rules.

Every per-claim value (coverage, ratio, admission deductibles) is asked of
:class:`yigai.policy.scheme.Scheme` for every kind of claim, so the vectorised and scalar
paths cannot drift apart in what a ratio or a deductible is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from yigai.policy.adjudication import ClaimError
from yigai.policy.money import ratio_units
from yigai.policy.scheme import CARE_TYPES, LEVELS, Scheme, SchemeBook

#: Population groups a claim can carry (its group bits index a table of 2**groups rows).
MAX_GROUPS = 12

#: A claim's kind packs what its per-claim scheme values depend on: care type (2 bits),
#: level (3 bits) and whether the unreferred out-of-county ratio cut applies (1 bit).
KIND_BITS = 6


def claim_kind(care_i: np.ndarray, lvl: np.ndarray, cut: np.ndarray) -> np.ndarray:
    """The kind of each claim (:data:`KIND_BITS`), as ``int32`` (room for the segment)."""
    k = care_i.astype(np.int32)
    k |= lvl.astype(np.int32) << 2
    k |= cut.astype(np.int32) << 5
    return k


@dataclass(frozen=True)
class SchemeTables:
    """The scheme as small look-up tables, built by asking the scalar rules
    (:class:`yigai.policy.scheme.Scheme`) about every kind of claim: per-claim values indexed
    by ``segment << KIND_BITS | kind`` (:func:`claim_kind`), annual values by year index,
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
    def build(cls, book: SchemeBook, years: list[int], groups: Iterable[str] = ()) -> SchemeTables:
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

"""Cache blocks (缓存分块): the arithmetic of one block of whole person-years.

A block's claims are in claim order; each step of the rule is a module of its own:
:mod:`~yigai.policy.vectorised.deductible` (起付线 and 统筹基金 with its caps),
:mod:`~yigai.policy.vectorised.critical` (大病保险), :mod:`~yigai.policy.vectorised.assistance`
(医疗救助). Written for speed on this machine's numpy: per-claim scheme values are look-ups in
small tables, masks are 0/1 factors rather than ``np.where`` (several times slower), and
results are written straight into the result columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from yigai.policy.vectorised.assistance import FirstBad, assistance
from yigai.policy.vectorised.common import group_cumsum
from yigai.policy.vectorised.critical import critical
from yigai.policy.vectorised.deductible import deductible, fund
from yigai.policy.vectorised.scheme_tables import SchemeTables


@dataclass(frozen=True)
class BlockClaims:
    """A block of claims in claim order, as the arithmetic reads them."""

    k: np.ndarray  # scheme table index: segment << KIND_BITS | kind
    total: np.ndarray
    oos: np.ndarray
    groups: np.ndarray  # assistance-group bits
    stays: np.ndarray  # block rows of the covered admissions
    owed: np.ndarray  # the deductible each of them owes (:func:`admissions_and_owed`)


@dataclass(frozen=True)
class BlockYear:
    """The annual values of a block's claims: scalars when the block has one year."""

    index: np.ndarray | int
    outpatient_deductible: np.ndarray | int
    outpatient_cap: np.ndarray | int
    annual_cap: np.ndarray | int

    @classmethod
    def of(cls, tables: SchemeTables, yidx: np.ndarray) -> BlockYear:
        index: np.ndarray | int = yidx
        if len(tables.annual) == 1 or (yidx == yidx[0]).all():
            index = int(yidx[0])
        return cls(
            index=index,
            outpatient_deductible=tables.outpatient_deductible[index],
            outpatient_cap=tables.outpatient_cap[index],
            annual_cap=tables.annual_cap[index],
        )


def adjudicate_block(
    c: BlockClaims,
    tables: SchemeTables,
    yidx: np.ndarray,
    starts: np.ndarray,
    out: dict[str, np.ndarray],
    first_bad: FirstBad,
) -> None:
    """Adjudicate one block of whole person-years (arrays in claim order) into ``out``
    (the computed result columns); ``yidx``: each claim's year index in ``tables``,
    ``starts``: where each person-year begins."""
    lengths = np.diff(np.append(starts, c.total.size))
    year = BlockYear.of(tables, yidx)
    k = c.k

    eligible = np.subtract(c.total, c.oos, out=out["eligible_fen"])
    eligible *= tables.covered[k]
    paid_deductible = deductible(
        eligible,
        k,
        tables,
        year.outpatient_deductible,
        c.stays,
        c.owed,
        starts,
        lengths,
        out["deductible_fen"],
    )
    paid_fund = fund(
        eligible,
        paid_deductible,
        k,
        tables,
        (year.outpatient_cap, year.annual_cap),
        c.stays,
        starts,
        lengths,
        out,
    )
    # 大病保险 on cumulative eligible out-of-pocket (none below the critical deductible)
    oop_cum = group_cumsum(eligible - paid_fund, starts, lengths, out=out["cum_oop_fen"])
    paid_critical = critical(oop_cum, tables, year.index, yidx, starts, out)
    paid_assistance = assistance(
        (eligible, paid_fund, paid_critical),
        c.groups,
        tables,
        year.index,
        yidx,
        starts,
        lengths,
        out,
        first_bad,
    )
    patient = np.subtract(c.total, paid_fund, out=out["patient_fen"])
    patient -= paid_critical
    patient -= paid_assistance

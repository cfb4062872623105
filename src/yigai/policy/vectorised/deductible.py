"""起付线 and 统筹基金 of a cache block: the annual outpatient-pooling deductible, the stays'
deductibles, the fund share and the outpatient and annual caps.

Each sequential cap is exact array arithmetic: if ``U`` is a person-year's running total
without the cap, what is paid up to claim *k* is ``min(U_k, cap)``, so a claim's amount is
the step of ``min(U, cap)`` (cumsum → clip → difference). The outpatient deductible is the
same identity on ``min(E, deductible)``.
"""

from __future__ import annotations

import numpy as np

from yigai.policy.money import share_units
from yigai.policy.vectorised.common import group_cumsum, group_diff
from yigai.policy.vectorised.scheme_tables import SchemeTables


def deductible(
    eligible: np.ndarray,
    k: np.ndarray,
    tables: SchemeTables,
    outpatient_deductible: np.ndarray | int,
    stays: np.ndarray,
    owed: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    out: np.ndarray,
) -> np.ndarray:
    """Each claim's deductible into ``out``: outpatient and emergency claims consume the
    annual outpatient-pooling deductible; the covered admissions ``stays`` pay what they owe
    (:func:`yigai.policy.vectorised.stays.admissions_and_owed`), never more than eligible."""
    pooled = eligible * tables.outpatient_pool[k]
    paid = group_diff(
        np.minimum(group_cumsum(pooled, starts, lengths), outpatient_deductible), starts, out=out
    )
    paid[stays] = np.minimum(eligible[stays], owed)
    return paid


def fund(
    eligible: np.ndarray,
    deductible_fen: np.ndarray,
    k: np.ndarray,
    tables: SchemeTables,
    caps: tuple[np.ndarray | int, np.ndarray | int],
    stays: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    out: dict[str, np.ndarray],
) -> np.ndarray:
    """统筹基金 into ``out``: (eligible − deductible) × ratio, half up; outpatient claims
    held to the outpatient cap, every claim to the annual cap (``caps``: those two)."""
    outpatient_cap, annual_cap = caps
    uncapped = share_units(eligible - deductible_fen, tables.units[k])
    pooled = uncapped * tables.outpatient_pool[k]
    op_total = np.minimum(
        group_cumsum(pooled, starts, lengths), outpatient_cap, out=out["cum_outpatient_fund_fen"]
    )
    fund_pre = group_diff(op_total, starts)
    fund_pre[stays] = uncapped[stays]
    fund_cum = np.minimum(
        group_cumsum(fund_pre, starts, lengths), annual_cap, out=out["cum_fund_fen"]
    )
    return group_diff(fund_cum, starts, out=out["fund_fen"])

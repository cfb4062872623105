"""大病保险 of a cache block: the tier formula of the person-year's cumulative eligible
out-of-pocket, a non-decreasing function of it, so a claim's amount is the step of that
function (computed only on the claims above the critical-illness deductible)."""

from __future__ import annotations

import numpy as np

from yigai.policy.money import ratio_units, share_units
from yigai.policy.scheme import Scheme
from yigai.policy.vectorised.common import count_below, group_diff
from yigai.policy.vectorised.scheme_tables import SchemeTables


def critical(
    oop_cum: np.ndarray,
    tables: SchemeTables,
    year_index: np.ndarray | int,
    yidx: np.ndarray,
    starts: np.ndarray,
    out: dict[str, np.ndarray],
) -> np.ndarray:
    """Each claim's critical-illness amount into ``out`` (and the running total)."""
    crit_cum = out["cum_critical_fen"]
    crit_cum.fill(0)
    for i, s in enumerate(tables.annual):
        if isinstance(year_index, int) and year_index != i:
            continue
        over = oop_cum > s.critical_deductible_fen
        if not isinstance(year_index, int):
            over &= yidx == i
        rows = np.flatnonzero(over)
        crit_cum[rows] = critical_paid(oop_cum[rows], s)
    return group_diff(crit_cum, starts, out=out["critical_fen"])


def critical_paid(oop_cum: np.ndarray, s: Scheme) -> np.ndarray:
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
    tier = count_below(threshold[1:], base)  # threshold[tier] < base (tier 0: none)
    base -= threshold[tier]
    total = share_units(base, units[tier])
    total += np.array(whole, dtype=np.int64)[tier]
    return np.minimum(total, s.critical_cap_fen)

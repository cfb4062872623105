"""医疗救助 of a cache block: for a person in an assistance group (the most generous one),
what remains after the fund and critical illness × the group's ratio, held to the group's
annual cap cumulatively; worked out only on the claims of persons in a group."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from yigai.policy.money import share_units
from yigai.policy.vectorised.common import group_cumsum, group_diff
from yigai.policy.vectorised.scheme_tables import SchemeTables

#: Raises for the first row of a mask: ``(mask, column, zh, en)``.
FirstBad = Callable[[np.ndarray, str, str, str], None]


def assistance(
    paid_before: tuple[np.ndarray, np.ndarray, np.ndarray],
    groups: np.ndarray,
    tables: SchemeTables,
    year_index: np.ndarray | int,
    yidx: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    out: dict[str, np.ndarray],
    first_bad: FirstBad,
) -> np.ndarray:
    """Each claim's assistance into ``out``; ``paid_before``: the claims' eligible cost,
    fund and critical-illness amounts (what remains of the first is what assistance shares)."""
    assist_cum, paid = out["cum_assistance_fen"], out["assistance_fen"]
    assist_cum.fill(0)
    paid.fill(0)
    rows = np.flatnonzero(groups)
    if not rows.size:
        return paid
    check_groups_constant(groups, starts, lengths, tables.group_names, first_bad)
    eligible, fund, critical = paid_before
    year_of_row = year_index if isinstance(year_index, int) else yidx[rows]
    at = year_of_row * tables.assistance_units.shape[1] + groups[rows]
    # the rows of a person-year stay together, so the running totals restart where the
    # person-year changes
    first = np.flatnonzero(np.r_[True, np.diff(np.searchsorted(starts, rows, "right")) != 0])
    capped = np.minimum(
        group_cumsum(
            share_units(
                eligible[rows] - fund[rows] - critical[rows], tables.assistance_units.ravel()[at]
            ),
            first,
            np.diff(np.append(first, rows.size)),
        ),
        tables.assistance_cap.ravel()[at],
    )
    assist_cum[rows] = capped
    paid[rows] = group_diff(capped, first)
    return paid


def check_groups_constant(
    groups: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    names: list[str],
    first_bad: FirstBad,
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

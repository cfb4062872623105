"""Ranking among peers (同类机构排名).

Peers are the assessed units that share the scheme's org kind and every ``peers`` column of
the scheme's ranking (by default the parent: 全县 for institutions under one county).

Rank is standard competition ranking on the total, highest first: equal totals share a rank
and the next rank skips (100, 90, 90, 80 → 1, 2, 2, 4). Within a shared rank, rows are
ordered by the points of the scheme's ``tie_break`` items (highest first, in the order
listed) and then by org id, so every run prints the same order; the tie-break never changes a
rank. "Last" (末位) is the highest rank number in a peer group, so several units tied at the
bottom are all last; a unit is never last when nobody in its group scored more (a group of
one, or everyone tied), because 末位 means trailing someone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Entry:
    """One unit to rank: its peer group key, total, and tie-break points in order."""

    org_id: str
    group: tuple[str, ...]
    total: Decimal
    tie_break: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class Placed:
    """A unit's place among its peers (排名 / 同组机构数 / 是否末位)."""

    org_id: str
    group: tuple[str, ...]
    rank: int
    peers: int
    last: bool
    order: int  # position in the printed order within the group, from 1


def rank(entries: Sequence[Entry]) -> list[Placed]:
    """Rank every entry within its group; returns them in printed order, group by group."""
    groups: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
    for e in entries:
        groups[e.group].append(e)
    out: list[Placed] = []
    for key in sorted(groups):
        members = groups[key]
        ordered = sorted(members, key=lambda e: (-e.total, *(-p for p in e.tie_break), e.org_id))
        totals = sorted((e.total for e in members), reverse=True)
        worst = 1 + sum(1 for t in totals if t > totals[-1])
        for pos, e in enumerate(ordered, start=1):
            r = 1 + sum(1 for t in totals if t > e.total)
            out.append(Placed(e.org_id, key, r, len(members), r == worst > 1, pos))
    return out

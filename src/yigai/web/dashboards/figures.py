"""The figures behind the officials' dashboards: one warehouse state's indicator values.

The values are :func:`yigai.indicators.cache.cached_values` (the engine's, computed once per
warehouse state) with the reported aggregates of the operational store merged in by
:func:`yigai.aggregates.merge`, exactly as the bulletin merges them. The merged table is
indexed once per (warehouse state, reported rows) so that a page only looks numbers up.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyarrow as pa
from sqlalchemy.orm import Session

from yigai import aggregates
from yigai.access.registry import AccessError
from yigai.errors import Forbidden, NotFound
from yigai.indicators import cache as indicator_cache
from yigai.periods import Grain, Period, PeriodError, parse
from yigai.reports.inputs import indicator_values_from_rows
from yigai.reports.model import IndicatorValue
from yigai.warehouse import Warehouse

#: Periods a trend chart shows, by grain.
TREND_LENGTH: dict[Grain, int] = {Grain.MONTH: 12, Grain.QUARTER: 8, Grain.YEAR: 5}


@cache
def warehouse(root: Path) -> Warehouse:
    """One :class:`Warehouse` per folder for the life of the process (its log is cached)."""
    return Warehouse(root)


def warehouse_of(root: Path | None) -> Warehouse:
    if root is None:
        raise NotFound("尚无指标数据（未配置数据仓库）", "no indicator data (no warehouse)")
    return warehouse(root)


@dataclass
class Figures:
    """The merged values of one state, indexed by org unit and by key."""

    table: pa.Table
    periods: list[Period]
    latest: Period | None
    #: the warehouse state and the reported rows these figures were built from
    token: str = ""
    by_org: dict[str, list[IndicatorValue]] = field(default_factory=dict)
    by_key: dict[tuple[str, str, str], IndicatorValue] = field(default_factory=dict)
    #: what pages derived from these figures (:func:`yigai.web.dashboards.views.rows_for`):
    #: new figures start empty, so nothing derived outlives the state it came from
    derived: dict[tuple[object, ...], object] = field(default_factory=dict)

    @classmethod
    def index(
        cls, table: pa.Table, periods: list[Period], latest: Period | None, token: str = ""
    ) -> Figures:
        figs = cls(table, periods, latest, token)
        by_org: dict[str, list[IndicatorValue]] = defaultdict(list)
        for row in indicator_values_from_rows(table.to_pylist()):
            by_org[row.org_id].append(row)
            figs.by_key[(row.indicator_id, row.org_id, row.period_id)] = row
        figs.by_org = dict(by_org)
        return figs

    def rows(self, orgs: Iterable[str], periods: Iterable[Period]) -> list[IndicatorValue]:
        """The values of ``orgs`` in ``periods`` (a report's ``results``)."""
        ids = {p.id for p in periods}
        return [
            r for o in dict.fromkeys(orgs) for r in self.by_org.get(o, ()) if r.period_id in ids
        ]

    def value(self, indicator_id: str, org_id: str, period: Period) -> IndicatorValue | None:
        return self.by_key.get((indicator_id, org_id, period.id))

    def default_period(self) -> Period:
        """The quarter of the latest month with data (the bulletin's grain)."""
        if self.latest is None:
            raise NotFound("尚无指标数据", "no indicator data yet")
        return Period.quarter(self.latest.start.year, (self.latest.start.month + 2) // 3)

    def period(self, requested: str | None) -> Period:
        """The period asked for (``2025Q4``, ``202512``, ``2025``), or the default; a period
        outside the data is a 404, as an unknown record is."""
        if not requested:
            return self.default_period()
        try:
            wanted = parse(requested.strip())
        except PeriodError:
            raise NotFound(
                f"周期 {requested!r} 无效（应如 2025Q4、202512 或 2025）",
                f"invalid period {requested!r} (e.g. 2025Q4, 202512 or 2025)",
            ) from None
        if wanted not in self.periods:
            raise NotFound(f"周期 {wanted.id} 没有数据", f"no data for period {wanted.id}")
        return wanted

    def trend(self, period: Period) -> list[Period]:
        """The periods of ``period``'s grain with data, up to it, at most the trend length."""
        same = [p for p in self.periods if p.grain is period.grain and p.end <= period.end]
        return same[-TREND_LENGTH[period.grain] :]

    def choices(self) -> list[Period]:
        """The periods a user may pick: quarters, years, then months, newest first."""
        order = {Grain.QUARTER: 0, Grain.YEAR: 1, Grain.MONTH: 2}
        return sorted(self.periods, key=lambda p: (order[p.grain], -p.end.toordinal()))


_lock = threading.Lock()
_held: dict[Path, tuple[tuple[str, str], Figures]] = {}


def _fingerprint(table: pa.Table) -> str:
    rows = sorted(map(str, table.to_pylist()))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


def figures(wh: Warehouse, session: Session) -> Figures:
    """The figures now: recomputed only when a batch lands or a reported value changes."""
    try:
        computed = indicator_cache.cached_values(wh)
    except AccessError as exc:
        # the service's own account lacks a grant: the user can do nothing but say so
        raise Forbidden(
            f"服务账户无权读取数据仓库，无法计算指标：{exc}",
            f"the service's account may not read the warehouse to compute indicators: {exc}",
        ) from None
    periods = indicator_cache.data_periods(wh)
    reported = aggregates.reported_values(session, periods)
    key = (indicator_cache.warehouse_state(wh), _fingerprint(reported))
    root = wh.root.resolve()
    with _lock:
        held = _held.get(root)
        if held is not None and held[0] == key:
            return held[1]
    merged = aggregates.merge(computed, reported) if reported.num_rows else computed
    figs = Figures.index(merged, periods, indicator_cache.latest_month(wh), ":".join(key))
    with _lock:
        _held[root] = (key, figs)
    return figs

"""Running a scheme for one period (开展考核): scores, totals, grades, ranks, explanations.

Inputs follow docs/CONTRACTS.md and are plain tables, so assessment never imports the
indicator engine:

- ``values``: the indicator result table (``indicator_id, org_id, period_id, value`` with
  ``value`` as Decimal text or null), or a provider ``(period_ids) -> pa.Table`` that computes
  it on demand;
- ``targets``: objects with ``indicator, scope, value, deadline, baseline``;
- ``org_units``: ``org_id, kind, parent_id`` (``inst_type, name, agri_population`` used when
  present);
- ``manual_scores``: what the assessor entered for manual items, as a mapping
  ``{(org_id, item_id): value}`` or a table ``org_id, item_id, value``.

Which target applies (目标值的选取): the most specific scope wins (the org's own id, then
``kind:<org kind>``, then ``*``); among that scope's targets for the indicator, the one with
the earliest deadline on or after the last day of the period, or, when every deadline has
passed, the latest one. An item's own ``target`` / ``baseline`` in the scheme overrides both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
import pyarrow as pa

from yigai.assess import scoring
from yigai.assess.explain import explain
from yigai.assess.model import Entered, Item, Penalty, Scheme, Target, TargetLike
from yigai.assess.ranking import Entry, rank
from yigai.periods import Grain, Period, parse

ValuesProvider = Callable[[list[str]], pa.Table]
ManualScores = Mapping[tuple[str, str], Decimal | int | str] | pa.Table

POINTS_TYPE = pa.decimal128(9, 2)
_MAX_LISTED = 20
_GRAIN_ZH = {Grain.MONTH: "月", Grain.QUARTER: "季度", Grain.YEAR: "年度"}


class AssessmentError(ValueError):
    """Inputs that cannot be assessed; the message lists every problem found."""


@dataclass(frozen=True)
class ItemScore:
    """One item of one unit (单项得分) with its explanation."""

    org_id: str
    item_id: str
    indicator: str | None
    value: Decimal | None
    target: Decimal | None
    baseline: Decimal | None
    rule: str
    weight: Decimal
    points: Decimal
    status: str
    why_zh: str
    why_en: str


@dataclass(frozen=True)
class OrgAssessment:
    """One unit's total, grade and rank (考核结果)."""

    org_id: str
    name: str
    parent_id: str | None
    inst_type: str | None
    agri_population: int | None
    total: Decimal
    grade: str
    grade_en: str
    passing: bool
    rank: int
    peers: int
    last: bool


@dataclass(frozen=True)
class AssessmentResult:
    """The result of one scheme for one period."""

    scheme: Scheme
    period_id: str
    orgs: tuple[OrgAssessment, ...]
    items: tuple[ItemScore, ...]

    @property
    def period(self) -> Period:
        return parse(self.period_id)

    def org(self, org_id: str) -> OrgAssessment:
        for o in self.orgs:
            if o.org_id == org_id:
                return o
        raise KeyError(org_id)

    def items_of(self, org_id: str) -> list[ItemScore]:
        return [i for i in self.items if i.org_id == org_id]

    def missing_inputs(self) -> list[ItemScore]:
        """Items that had no input (no indicator value, no manual entry, or not scorable):
        scored 0 for now, never a result, so their units' totals are provisional (暂定)."""
        return [i for i in self.items if i.status == scoring.Status.MISSING.value]

    @property
    def provisional_orgs(self) -> frozenset[str]:
        """Units whose total rests on at least one missing input (:meth:`missing_inputs`)."""
        return frozenset(i.org_id for i in self.missing_inputs())

    def totals_table(self) -> pa.Table:
        """``assessment_totals``: one row per unit, in ranked order."""
        return pa.table(
            {
                "scheme_id": [self.scheme.id] * len(self.orgs),
                "period_id": [self.period_id] * len(self.orgs),
                "org_id": [o.org_id for o in self.orgs],
                "name": [o.name for o in self.orgs],
                "parent_id": [o.parent_id for o in self.orgs],
                "total": pa.array([o.total for o in self.orgs], POINTS_TYPE),
                "full_marks": pa.array([self.scheme.full_marks] * len(self.orgs), POINTS_TYPE),
                "grade": [o.grade for o in self.orgs],
                "grade_en": [o.grade_en for o in self.orgs],
                "passing": pa.array([o.passing for o in self.orgs], pa.bool_()),
                "rank": pa.array([o.rank for o in self.orgs], pa.int32()),
                "peers": pa.array([o.peers for o in self.orgs], pa.int32()),
                "last": pa.array([o.last for o in self.orgs], pa.bool_()),
                "provisional": pa.array(
                    [o.org_id in self.provisional_orgs for o in self.orgs], pa.bool_()
                ),
            }
        )

    def items_table(self) -> pa.Table:
        """``assessment_items``: one row per unit × item, values as Decimal text.

        ``baseline`` is where the item's scale starts: the target's baseline, or the rule's
        ``floor`` when the scheme sets one.
        """

        def text(x: Decimal | None) -> str | None:
            return None if x is None else f"{x:f}"

        rows = self.items
        return pa.table(
            {
                "scheme_id": [self.scheme.id] * len(rows),
                "period_id": [self.period_id] * len(rows),
                "org_id": [r.org_id for r in rows],
                "item_id": [r.item_id for r in rows],
                "indicator_id": pa.array([r.indicator for r in rows], pa.string()),
                "value": pa.array([text(r.value) for r in rows], pa.string()),
                "target": pa.array([text(r.target) for r in rows], pa.string()),
                "baseline": pa.array([text(r.baseline) for r in rows], pa.string()),
                "rule": [r.rule for r in rows],
                "weight": pa.array([r.weight for r in rows], POINTS_TYPE),
                "points": pa.array([r.points for r in rows], POINTS_TYPE),
                "status": [r.status for r in rows],
                "why_zh": [r.why_zh for r in rows],
                "why_en": [r.why_en for r in rows],
            }
        )

    def tables(self) -> dict[str, pa.Table]:
        return {"assessment_totals": self.totals_table(), "assessment_items": self.items_table()}

    def to_pandas(self) -> dict[str, pd.DataFrame]:
        return {name: t.to_pandas() for name, t in self.tables().items()}


def _decimal(raw: Any, zh: str, en: str) -> Decimal:
    """``raw`` as a finite Decimal; ``zh`` / ``en`` say where it came from."""
    try:
        d = Decimal(str(raw).strip())
    except InvalidOperation:
        raise AssessmentError(f"{zh}：{raw!r} 不是数值 / {en}: {raw!r} is not a number") from None
    if not d.is_finite():
        raise AssessmentError(f"{zh}：{raw!r} 不是有限数值 / {en}: {raw!r} is not finite")
    return d


def _require(table: pa.Table, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise AssessmentError(f"{name} 缺少列 {missing} / {name} is missing columns {missing}")


@dataclass(frozen=True)
class _Unit:
    org_id: str
    kind: str
    parent_id: str | None
    inst_type: str | None
    name: str
    agri_population: int | None


def _units(scheme: Scheme, org_units: pa.Table) -> list[_Unit]:
    _require(org_units, "org_units", ["org_id", "kind", "parent_id"])
    rows = org_units.to_pylist()
    wanted_types = {t.value for t in scheme.inst_types}
    out = []
    for r in rows:
        if r["kind"] != scheme.org_kind.value:
            continue
        if wanted_types and r.get("inst_type") not in wanted_types:
            continue
        out.append(
            _Unit(
                org_id=r["org_id"],
                kind=r["kind"],
                parent_id=r.get("parent_id"),
                inst_type=r.get("inst_type"),
                name=r.get("name") or r["org_id"],
                agri_population=r.get("agri_population"),
            )
        )
    if not out:
        raise AssessmentError(
            f"org_units 中没有方案 {scheme.id} 考核的单位（{scheme.org_kind.value}） / "
            f"org_units holds no unit that scheme {scheme.id} assesses ({scheme.org_kind.value})"
        )
    return sorted(out, key=lambda u: u.org_id)


def _values(
    scheme: Scheme, values: pa.Table | ValuesProvider, period_id: str, org_ids: set[str]
) -> dict[tuple[str, str], Decimal | None]:
    table = values if isinstance(values, pa.Table) else values([period_id])
    _require(table, "indicator values", ["indicator_id", "org_id", "period_id", "value"])
    wanted = {i.indicator for i in scheme.items if i.indicator is not None}
    out: dict[tuple[str, str], Decimal | None] = {}
    cols = [table.column(c).to_pylist() for c in ("indicator_id", "org_id", "period_id", "value")]
    for row, (ind, org, per, val) in enumerate(zip(*cols, strict=True), start=1):
        if per != period_id or ind not in wanted or org not in org_ids:
            continue
        zh = f"指标值表第 {row} 行 value 列（{ind}，{org}）"
        en = f"indicator values row {row} column value ({ind}, {org})"
        if (ind, org) in out:
            raise AssessmentError(
                f"{zh}：同一指标、单位、周期有重复行 / {en}: duplicate row for the same "
                f"indicator, unit and period"
            )
        out[(ind, org)] = None if val is None else _decimal(val, zh, en)
    return out


def _manual(
    scheme: Scheme, manual_scores: ManualScores | None, org_ids: set[str]
) -> dict[tuple[str, str], Decimal]:
    if manual_scores is None:
        return {}
    if isinstance(manual_scores, pa.Table):
        _require(manual_scores, "manual_scores", ["org_id", "item_id", "value"])
        entries = [
            (
                (r["org_id"], r["item_id"]),
                r["value"],
                f"手工评分表第 {n} 行",
                f"manual scores row {n}",
            )
            for n, r in enumerate(manual_scores.to_pylist(), start=1)
        ]
    else:
        entries = [
            (key, v, f"手工评分 {key}", f"manual score {key}") for key, v in manual_scores.items()
        ]
    items = {i.id: i for i in scheme.items}
    out: dict[tuple[str, str], Decimal] = {}
    problems: list[str] = []
    for (org, item_id), raw, zh, en in entries:
        item = items.get(item_id)
        if item is None or not item.manual:
            problems.append(
                f"{zh}：{item_id!r} 不是方案 {scheme.id} 的手工评分项 / "
                f"{en}: {item_id!r} is not a manual item of scheme {scheme.id}"
            )
            continue
        if org not in org_ids:
            problems.append(f"{zh}：{org!r} 不是被考核单位 / {en}: {org!r} is not an assessed unit")
            continue
        v = _decimal(raw, zh, en)
        if isinstance(item.rule, Entered) and not (0 <= v <= item.weight):
            problems.append(
                f"{zh}：得分 {v} 超出 0–{item.weight} / {en}: points {v} outside 0–{item.weight}"
            )
        elif isinstance(item.rule, Penalty) and (v < 0 or v != v.to_integral_value()):
            problems.append(
                f"{zh}：次数 {v} 须为非负整数 / {en}: occurrences {v} must be a whole number ≥ 0"
            )
        else:
            out[(org, item_id)] = v
    if problems:
        raise AssessmentError("\n".join(problems[:_MAX_LISTED]))
    return out


def targets_from_table(table: pa.Table) -> list[TargetLike]:
    """Targets from a table ``indicator, scope, value, deadline[, baseline, baseline_period,
    source]`` with ``value`` / ``baseline`` as Decimal text (or numbers) and ``deadline`` a date."""
    _require(table, "targets", ["indicator", "scope", "value", "deadline"])
    out: list[TargetLike] = []
    for n, r in enumerate(table.to_pylist(), start=1):
        zh, en = f"目标值表第 {n} 行", f"targets row {n}"
        deadline = r["deadline"]
        if isinstance(deadline, str):
            try:
                deadline = dt.date.fromisoformat(deadline)
            except ValueError:
                deadline = None
        if not isinstance(deadline, dt.date):
            raise AssessmentError(
                f"{zh} deadline 列：{r['deadline']!r} 不是日期 / {en} column deadline: "
                f"{r['deadline']!r} is not a date"
            )
        base = r.get("baseline")
        out.append(
            Target(
                r["indicator"],
                r["scope"],
                _decimal(r["value"], f"{zh} value 列", f"{en} column value"),
                deadline,
                None
                if base is None
                else _decimal(base, f"{zh} baseline 列", f"{en} column baseline"),
                r.get("baseline_period"),
                r.get("source") or "",
            )
        )
    return out


def pick_target(
    targets: Sequence[TargetLike], indicator: str, unit_id: str, kind: str, period_end: dt.date
) -> TargetLike | None:
    """The target that applies to one unit for a period ending on ``period_end`` (see module doc)."""
    for scope in (unit_id, f"kind:{kind}", "*"):
        found = [t for t in targets if t.indicator == indicator and t.scope == scope]
        if not found:
            continue
        ahead = [t for t in found if t.deadline >= period_end]
        deadline = min(t.deadline for t in ahead) if ahead else max(t.deadline for t in found)
        chosen = [t for t in found if t.deadline == deadline]
        if len(chosen) > 1:
            raise AssessmentError(
                f"指标 {indicator} 在范围 {scope} 有 {len(chosen)} 个期限同为 {deadline} 的目标值，"
                f"无法确定采用哪一个 / indicator {indicator} has {len(chosen)} targets for scope "
                f"{scope} with the same deadline {deadline}: ambiguous"
            )
        return chosen[0]
    return None


def _period_like(grain: Grain, period: Period) -> str:
    """The id of the ``grain`` period holding ``period``'s last day (for a message)."""
    end = period.end  # inclusive
    if grain is Grain.YEAR:
        return Period.year(end.year).id
    if grain is Grain.QUARTER:
        return Period.quarter(end.year, (end.month - 1) // 3 + 1).id
    return Period.month(end.year, end.month).id


def assess(
    scheme: Scheme,
    values: pa.Table | ValuesProvider,
    targets: Sequence[TargetLike] | pa.Table | None,
    period_id: str,
    org_units: pa.Table,
    manual_scores: ManualScores | None = None,
) -> AssessmentResult:
    """Score, grade and rank every unit the scheme assesses for one period."""
    period = parse(period_id)
    if period.grain != scheme.grain:
        example = _period_like(scheme.grain, period)
        raise AssessmentError(
            f"方案 {scheme.id} 按{_GRAIN_ZH[scheme.grain]}考核，周期 {period_id} 不符；"
            f"请给出{_GRAIN_ZH[scheme.grain]}周期，如 {example} / scheme {scheme.id} assesses "
            f"by {scheme.grain.value}; {period_id} is a {period.grain.value}: give a "
            f"{scheme.grain.value} period such as {example}"
        )
    units = _units(scheme, org_units)
    ids = {u.org_id for u in units}
    vals = _values(scheme, values, period.id, ids)
    manual = _manual(scheme, manual_scores, ids)
    if isinstance(targets, pa.Table):
        targets = targets_from_table(targets)
    targets = list(targets or [])

    problems: list[str] = []
    items: list[ItemScore] = []
    points_of: dict[tuple[str, str], Decimal] = {}
    for unit in units:
        for item in scheme.items:
            target, baseline = _target_for(item, targets, unit, period.end)
            if scoring.needs_target(item) and target is None:
                problems.append(
                    f"考核项 {item.id}（{item.indicator}）对 {unit.org_id} 没有目标值 / "
                    f"item {item.id} ({item.indicator}) has no target for {unit.org_id}"
                )
                continue
            if scoring.needs_baseline(item) and baseline is None:
                problems.append(
                    f"考核项 {item.id}（{item.indicator}）对 {unit.org_id} 没有基线值 / "
                    f"item {item.id} ({item.indicator}) has no baseline for {unit.org_id}"
                )
                continue
            if item.manual:
                value = manual.get((unit.org_id, item.id))
            else:
                assert item.indicator is not None
                value = vals.get((item.indicator, unit.org_id))
            outcome = scoring.score(item, value, target, baseline)
            zh, en = explain(item, value, target, baseline, outcome)
            shown_baseline = outcome.zero_at if outcome.zero_at is not None else baseline
            items.append(
                ItemScore(
                    unit.org_id,
                    item.id,
                    item.indicator,
                    value,
                    target,
                    shown_baseline,
                    item.rule.kind,
                    item.weight,
                    outcome.points,
                    outcome.status.value,
                    zh,
                    en,
                )
            )
            points_of[(unit.org_id, item.id)] = outcome.points
    if problems:
        more = len(problems) - _MAX_LISTED
        tail = [f"……另有 {more} 项 / … and {more} more"] if more > 0 else []
        raise AssessmentError("\n".join(problems[:_MAX_LISTED] + tail))

    totals = {
        u.org_id: scoring.total([points_of[(u.org_id, i.id)] for i in scheme.items]) for u in units
    }
    by_id = {u.org_id: u for u in units}
    entries = [
        Entry(
            u.org_id,
            tuple(str(getattr(u, col) or "") for col in scheme.ranking.peers),
            totals[u.org_id],
            tuple(points_of[(u.org_id, t)] for t in scheme.ranking.tie_break),
        )
        for u in units
    ]
    orgs = []
    for placed in rank(entries):
        u = by_id[placed.org_id]
        band = scheme.grade_of(totals[u.org_id])
        orgs.append(
            OrgAssessment(
                u.org_id,
                u.name,
                u.parent_id,
                u.inst_type,
                u.agri_population,
                totals[u.org_id],
                band.grade,
                band.name_en,
                band.passing,
                placed.rank,
                placed.peers,
                placed.last,
            )
        )
    order = {o.org_id: n for n, o in enumerate(orgs)}
    items.sort(key=lambda i: order[i.org_id])
    return AssessmentResult(scheme, period.id, tuple(orgs), tuple(items))


def _target_for(
    item: Item, targets: Sequence[TargetLike], unit: _Unit, period_end: dt.date
) -> tuple[Decimal | None, Decimal | None]:
    found = (
        pick_target(targets, item.indicator, unit.org_id, unit.kind, period_end)
        if item.indicator is not None
        else None
    )
    target = item.target if item.target is not None else (_dec(found.value) if found else None)
    if item.baseline is not None:
        baseline = item.baseline
    else:
        baseline = _dec(found.baseline) if found else None
    return target, baseline


def _dec(x: Decimal | int | str | None) -> Decimal | None:
    # str() first: a float that slipped into a target must not carry binary noise into points.
    return None if x is None else Decimal(str(x))

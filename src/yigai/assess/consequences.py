"""What follows from ranks over consecutive periods (考核结果运用).

Seed 003 (county summary, 工作总结 of a county in 临汾市): "对考核合格且得分位列全县前三名的
基层医疗卫生机构及其负责人，给予通报表彰，并结合绩效考核后的资金节余情况视情予以奖励；对考核
不合格、得分位列全县最后一名的基层医疗卫生机构，给予通报批评，并限期整改；连续3次考核均位列
全县最后一名的，免去单位负责人职务。"

The thresholds (top 3, passing required, failing required, correction period, 3 consecutive
lasts, the smallest ranking that has a 末位) are in each scheme's ``consequences``. Rules, per
scheme:

- 表扬 (commended, reward considered from savings): rank ≤ ``top``, passing when required,
  and not last among its peers; ties share a rank, so units tied at the 3rd place are all
  commended. The seed's county ranks many units, so its top three never include the last; with
  ``top`` or fewer peers (a small county) the last would otherwise be commended in the same
  bulletin that names it last, which yigai does not do (a yigai working rule);
- 通报批评、限期整改 (warned): last among peers (see :mod:`yigai.assess.ranking`) in a peer
  group of at least ``min_ranked`` units, and failing when required; the correction deadline
  is the period's last day + ``correction_days`` (a local choice: the seed gives no length);
- 建议免去负责人职务 (head removal recommended): last in each of ``consecutive_lasts``
  consecutive periods of the scheme's grain, each time in a group of at least ``min_ranked``
  and failing unless the scheme says ``remove_head.require_failing: false``. Consecutive
  means adjacent periods (2025Q3, 2025Q4, 2026Q1); a period missing from the history, or a
  last place that does not count (passing, or too small a group), breaks the run. It is
  raised in every period that completes such a run, so a fourth last in a row raises it again.

How yigai reads seed 003 on these two points (documented in the schemes' ``source``):

- *who can be removed*: the sentence runs "对考核不合格、得分位列全县最后一名的……通报批评……；
  连续3次考核均位列全县最后一名的，免去单位负责人职务" — the removal clause continues the
  clause about a failing last unit, so a unit the same bulletin calls 合格 is not recommended
  for removal; a scheme that means otherwise says ``require_failing: false``;
- *how many units a ranking needs*: the seed sets 全县前三名 (commended) apart from 全县最后一名
  (warned); with three units or fewer the last is one of the top three, so the rule presumes
  a ranking of at least four (``min_ranked: 4`` in the shipped schemes). Smaller groups are
  still ranked and printed; no 末位 consequence follows from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import pyarrow as pa

from yigai.assess.assessment import AssessmentError, AssessmentResult


class ConsequenceKind(StrEnum):
    COMMENDED = "commended"  # 通报表彰并视情奖励
    WARNED = "warned"  # 通报批评，限期整改
    HEAD_REMOVAL = "head_removal"  # 建议免去负责人职务


@dataclass(frozen=True)
class Consequence:
    """One consequence for one unit in one period."""

    org_id: str
    period_id: str
    kind: ConsequenceKind
    rank: int
    total: Decimal
    deadline: dt.date | None
    periods: tuple[str, ...]  # the periods the consequence rests on
    why_zh: str
    why_en: str


def consequences(history: Sequence[AssessmentResult]) -> list[Consequence]:
    """Consequences of every period in ``history`` (results of one scheme, any order)."""
    if not history:
        return []
    schemes = {r.scheme.id for r in history}
    if len(schemes) != 1:
        raise AssessmentError(
            f"考核结果须来自同一方案，实际为 {sorted(schemes)} / the history must come from one "
            f"scheme, got {sorted(schemes)}"
        )
    ordered = sorted(history, key=lambda r: r.period.start)
    seen = [r.period_id for r in ordered]
    if len(set(seen)) != len(seen):
        raise AssessmentError(f"考核结果中有重复周期 {seen} / the history repeats a period: {seen}")
    rules = ordered[0].scheme.consequences
    out: list[Consequence] = []
    streak: dict[str, list[str]] = {}
    previous: AssessmentResult | None = None
    for result in ordered:
        adjacent = previous is not None and previous.period_id == result.period.previous().id
        for o in result.orgs:
            label = result.period.label_zh
            if (
                o.rank <= rules.commend.top
                and not o.last
                and (o.passing or not rules.commend.require_passing)
            ):
                out.append(
                    Consequence(
                        o.org_id,
                        result.period_id,
                        ConsequenceKind.COMMENDED,
                        o.rank,
                        o.total,
                        None,
                        (result.period_id,),
                        f"{label}考核得分 {o.total:f}（{o.grade}），位列第 {o.rank} 名，"
                        f"予以通报表彰，并结合资金节余情况视情奖励",
                        f"{result.period_id}: {o.total:f} points ({o.grade_en}), rank {o.rank}: "
                        f"commended, reward to be considered from savings",
                    )
                )
            counts = o.last and o.peers >= rules.min_ranked  # a 末位 the scheme acts on
            if counts and (not o.passing or not rules.warn.require_failing):
                deadline = result.period.end + dt.timedelta(days=rules.warn.correction_days)
                out.append(
                    Consequence(
                        o.org_id,
                        result.period_id,
                        ConsequenceKind.WARNED,
                        o.rank,
                        o.total,
                        deadline,
                        (result.period_id,),
                        f"{label}考核得分 {o.total:f}（{o.grade}），位列末位（第 {o.rank}/{o.peers} 名），"
                        f"予以通报批评，限 {deadline.isoformat()} 前整改",
                        f"{result.period_id}: {o.total:f} points ({o.grade_en}), last "
                        f"({o.rank} of {o.peers}): warned, correct by {deadline.isoformat()}",
                    )
                )
            run = streak.get(o.org_id, []) if adjacent else []
            lasts = counts and (not o.passing or not rules.remove_head.require_failing)
            streak[o.org_id] = [*run, result.period_id] if lasts else []
        for org_id in [k for k in streak if k not in {o.org_id for o in result.orgs}]:
            streak[org_id] = []
        n = rules.remove_head.consecutive_lasts
        for o in result.orgs:
            run = streak[o.org_id]
            if len(run) >= n:
                periods = tuple(run[-n:])
                out.append(
                    Consequence(
                        o.org_id,
                        result.period_id,
                        ConsequenceKind.HEAD_REMOVAL,
                        o.rank,
                        o.total,
                        None,
                        periods,
                        f"连续 {n} 次考核位列末位（{'、'.join(periods)}），建议免去单位负责人职务",
                        f"last in {n} consecutive assessments ({', '.join(periods)}): "
                        f"removal of the head recommended",
                    )
                )
        previous = result
    return out


def consequences_table(items: Sequence[Consequence]) -> pa.Table:
    """``assessment_consequences`` for reports: one row per consequence."""
    return pa.table(
        {
            "org_id": pa.array([c.org_id for c in items], pa.string()),
            "period_id": pa.array([c.period_id for c in items], pa.string()),
            "kind": pa.array([c.kind.value for c in items], pa.string()),
            "rank": pa.array([c.rank for c in items], pa.int32()),
            "total": pa.array([c.total for c in items], pa.decimal128(9, 2)),
            "deadline": pa.array([c.deadline for c in items], pa.date32()),
            "periods": pa.array([list(c.periods) for c in items], pa.list_(pa.string())),
            "why_zh": pa.array([c.why_zh for c in items], pa.string()),
            "why_en": pa.array([c.why_en for c in items], pa.string()),
        }
    )

"""Assessment in a report (绩效考核): the scheme for the period's grain run on the compared
units, items that cannot be scored yet, stored manual scores (see :mod:`yigai.reports.assemble`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from yigai import assess
from yigai.assess.assessment import ManualScores
from yigai.assess.model import Band, Scheme, ThresholdBands
from yigai.assess.scoring import needs_baseline, needs_target
from yigai.assess.stored import stored_scores
from yigai.periods import Grain, Period
from yigai.reports.model import (
    AssessmentItem,
)
from yigai.reports.report_periods import history_periods
from yigai.reports.units import AssembleError

SCHEME_FOR_GRAIN: dict[Grain, str] = {
    Grain.QUARTER: "primary_institution",
    Grain.YEAR: "community_2020",
}

#: Reported beside the quarterly scheme in the bulletin of the quarter that closes a year.
ANNUAL_SCHEME = "community_2020"

KIND_GRAIN: dict[str, Grain] = {"bulletin": Grain.QUARTER, "monthly": Grain.MONTH}
KIND_ZH: dict[str, str] = {"bulletin": "季度通报", "monthly": "月度进展报告"}
GRAIN_ZH: dict[Grain, str] = {Grain.MONTH: "月", Grain.QUARTER: "季度", Grain.YEAR: "年度"}


@dataclass(frozen=True)
class Assessment:
    """The scheme's result for the period, its consequences there, and the items it could
    not score (item id → reason in Chinese and English)."""

    result: assess.AssessmentResult
    consequences: list[assess.Consequence]
    unscored: dict[str, tuple[str, str]]


def pick_scheme(period: Period, scheme_id: str | None) -> Scheme | None:
    """The scheme to run for ``period``: the named one (its grain must match) or the default
    for the period's grain; None for a month (no scheme assesses monthly)."""
    if scheme_id is None:
        default = SCHEME_FOR_GRAIN.get(period.grain)
        return None if default is None else assess.load_scheme(default)
    scheme = assess.load_scheme(scheme_id)
    if scheme.grain != period.grain:
        raise AssembleError(
            f"考核方案 {scheme.id} 按{GRAIN_ZH[Grain(scheme.grain)]}考核，与周期 {period.id} 不符 / "
            f"scheme {scheme.id} assesses by {Grain(scheme.grain).value}, not {period.grain.value}"
        )
    return scheme


def unscorable_items(
    scheme: Scheme,
    targets: Sequence[Any],
    units: pa.Table,
    period: Period,
    known_indicators: set[str],
) -> dict[str, tuple[str, str]]:
    """Items the scheme's rule cannot score for some assessed unit, with the reason."""
    out: dict[str, tuple[str, str]] = {}
    rows = units.to_pylist()
    for item in scheme.items:
        if item.indicator is None:
            continue
        if item.indicator not in known_indicators:
            out[item.id] = ("监测指标目录中尚无该指标", "the indicator is not in the catalogue yet")
            continue
        chosen = [
            assess.pick_target(targets, item.indicator, r["org_id"], r["kind"], period.end)
            for r in rows
        ]
        if needs_target(item) and item.target is None and any(t is None for t in chosen):
            out[item.id] = ("未设定目标值", "no target is set")
        elif (
            needs_baseline(item)
            and item.baseline is None
            and any(t is None or t.baseline is None for t in chosen)
        ):
            out[item.id] = ("目标值未给出基线值", "the target gives no baseline")
    return out


def _without(scheme: Scheme, unscored: Iterable[str]) -> Scheme:
    """The scheme with the unscorable items' rules replaced by one that needs no target.

    Those items are then fed no value, so the library scores them exactly as a missing value:
    0 points, status ``missing`` (the band below is never reached by a value).
    """
    skip = set(unscored)
    blank = ThresholdBands(kind="threshold_bands", bands=[Band(reach=Decimal(0), points=0)])
    items = [i.model_copy(update={"rule": blank}) if i.id in skip else i for i in scheme.items]
    return scheme.model_copy(update={"items": items})


def run_assessment(
    scheme: Scheme,
    values: pa.Table,
    targets: Sequence[Any],
    period: Period,
    units: pa.Table,
    known_indicators: set[str],
    manual_scores: Mapping[str, ManualScores] | None = None,
) -> Assessment | None:
    """Assess ``units`` for every period of the year up to ``period``; None when the scheme
    assesses none of them. ``manual_scores`` maps a period id to the assessor's entries for
    that period (``{(org_id, item_id): value}``, see :func:`yigai.assess.assess`)."""
    assessed = [r for r in units.to_pylist() if r["kind"] == str(scheme.org_kind)]
    wanted_types = {str(t) for t in scheme.inst_types}
    if wanted_types:
        assessed = [r for r in assessed if r.get("inst_type") in wanted_types]
    if not assessed:
        return None
    table = pa.Table.from_pylist(assessed, schema=units.schema)
    unscored = unscorable_items(scheme, targets, table, period, known_indicators)
    runnable = _without(scheme, unscored)
    skip = {scheme.item(i).indicator for i in unscored}
    keep = [i not in skip for i in values.column("indicator_id").to_pylist()]
    fed = values.filter(pa.array(keep, pa.bool_()))
    entered = manual_scores or {}
    history = [
        assess.assess(runnable, fed, targets, p.id, table, _entered(entered.get(p.id), table))
        for p in history_periods(period)
    ]
    result = history[-1]
    if unscored:
        result = _explain_unscored(result, scheme, unscored, values)
    return Assessment(
        result=result,
        consequences=[c for c in assess.consequences(history) if c.period_id == period.id],
        unscored=unscored,
    )


def _entered(scores: ManualScores | None, units: pa.Table) -> ManualScores | None:
    """The entries for the assessed units only (a county's sheet may list other units too)."""
    if scores is None:
        return None
    ids = set(units.column("org_id").to_pylist())
    if isinstance(scores, pa.Table):
        keep = [o in ids for o in scores.column("org_id").to_pylist()]
        return scores.filter(pa.array(keep, pa.bool_()))
    return {key: v for key, v in scores.items() if key[0] in ids}


def _explain_unscored(
    result: assess.AssessmentResult,
    scheme: Scheme,
    unscored: dict[str, tuple[str, str]],
    values: pa.Table,
) -> assess.AssessmentResult:
    """The result with the original scheme and rules back, the unscored items' values shown
    (they were withheld only from scoring) and their reason written out."""
    shown = {
        (r["indicator_id"], r["org_id"]): Decimal(r["value"])
        for r in values.to_pylist()
        if r["period_id"] == result.period_id and r["value"] is not None
    }
    items = []
    for i in result.items:
        if i.item_id in unscored:
            item = scheme.item(i.item_id)
            zh, en = unscored[i.item_id]
            i = replace(
                i,
                value=shown.get((item.indicator or "", i.org_id)),
                rule=item.rule.kind,
                why_zh=f"{item.name_zh} 暂不能计分（{zh}），按0分计",
                why_en=f"{item.name_en}: cannot be scored yet ({en}), scored 0",
            )
        items.append(i)
    return replace(result, scheme=scheme, items=tuple(items))


def entered_scores(
    session: Session | None,
    scheme: Scheme,
    period: Period,
    given: Mapping[str, ManualScores] | None,
) -> Mapping[str, ManualScores] | None:
    """The manual scores the assessment of ``period`` reads: ``given`` when the caller passes
    them (a library caller without a store), else those stored for the scheme in the
    operational store (:mod:`yigai.assess.stored`), the one source every command reads."""
    if given is not None or session is None:
        return given
    return stored_scores(session, scheme.id, [q.id for q in history_periods(period)])


def report_items(result: assess.AssessmentResult) -> list[AssessmentItem]:
    """考核得分明细 as the report prints them: the item's Chinese name, not its id."""
    return [
        AssessmentItem(
            org_id=i.org_id,
            item=result.scheme.item(i.item_id).name_zh,
            value=i.value,
            target=i.target,
            points=i.points,
            explanation_zh=i.why_zh,
            weight=i.weight,
            status=i.status,
        )
        for i in result.items
    ]

"""Report assembly (报告数据汇集): a :class:`ReportData` built from the platform's own data.

Seed 001 (辽宁省医改工作汇报): "建立了医改重点任务进展情况月报告和季通报制度". This module
gathers, for one region and one period, everything the monthly report (月度进展报告) or the
quarterly bulletin (季度通报) prints:

- **indicator values** (监测指标): the indicator engine's values for the period, the previous
  period (上期), the same period last year (去年同期) and the twelve months ending with the
  period (trend chart), plus every period of the same year before it (assessment history);
  reported aggregates (上报数) fill the keys the engine did not compute
  (:func:`yigai.aggregates.merge`: a computed row always wins);
- **units compared** (比较单位): the region's units of the kinds the caller chooses — an org
  kind (``community``) or an institution type (``township_centre``); for a county the default is
  its communities (医共体), township health centres (乡镇卫生院) and community health centres,
  for a city its counties, for a province its cities and counties (:mod:`.units`);
  an institution belongs to the region through its geographic parent chain;
- **assessment** (绩效考核): the scheme whose grain matches the period (quarter →
  ``primary_institution``, year → ``community_2020``; none for a month), run on the compared
  units the scheme assesses; consequences (考核结果运用) over the scheme's history in the
  same year (2025Q1…2025Q4 for 2025Q4), of which the period's own are reported. The
  communities' scheme is annual (seed 002 四（三）: 年度绩效评估), so the bulletin of the quarter
  that closes a year (第4季度) also reports the communities' assessment for that year
  (:data:`ANNUAL_SCHEME`), as a second ranking with its items and consequences; earlier
  quarters' bulletins do not assess communities;
- **reform tasks** (重点改革任务): every task in the operational store with its status as of the
  period's last day (:func:`yigai.reform.task_views`); the overdue flag is exactly
  :func:`yigai.reform.overdue`; cancelled tasks are left out. An empty store is first loaded
  with seed 002's plan (湛江市县域医共体实施方案), the plan written for a county community;
- **document header** (公文要素, :mod:`.header`): 发文机关 "<区域>深化医药卫生体制改革领导小组
  办公室", 发文字号 "<简称>医改办〔<发文年度>〕<n>号" with the year of issue and n the report's
  place in the office's year (:func:`.header.sequence_number`: monthly reports and bulletins
  numbered in issue order, never sharing a number; the office replaces it with
  ``document_number`` from its register); 成文日期 the 15th of the month after the period (a
  yigai working default: figures are final by then); 主送 the region's leading group for the
  monthly report (a 报告 goes upward) and, for the bulletin, the units it names (a county's
  member units, communities and centres; a city's counties; a province's cities); 抄送 the
  parent region's reform office;
- **notes** (说明, :mod:`.notes_section`): what governs the region, from the deployment in
  force (:func:`yigai.deployment.active`), and whether the data are synthetic — the
  deployment says so or the synthetic generator marked the warehouse — so every document
  then says 合成示范数据 without its caller having to ask.

Assessment items that cannot be scored yet (算不出的考核项): an item whose indicator has no
target or no baseline in force cannot be scored by its rule, and inventing either would invent
points. Such an item is scored as the assessment library scores a missing value — 0 points
for now, status ``missing`` — and its explanation names the reason (目录中尚无该指标 /
未设定目标值 / 目标值未给出基线值). Manual items nobody entered score 0 likewise. Either way
the unit's total is marked provisional (暂定) in the bulletin, never presented as final.

Manual scores (手工评分) are stored inputs: read from the operational store
(:func:`yigai.assess.stored.stored_scores`), entered once through ``yigai assess --manual``,
so the demo and ``yigai report`` print the same scores from the same store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
from sqlalchemy.orm import Session

from yigai import aggregates, assess, deployment
from yigai.assess.assessment import ManualScores
from yigai.assess.model import Scheme
from yigai.indicators import catalogue as catalogue_mod
from yigai.indicators import compute
from yigai.indicators import targets as targets_mod
from yigai.orgs.hierarchy import ancestors, org_info
from yigai.periods import Grain, Period, parse
from yigai.records.versions import read_in_force
from yigai.reports.assessment import (
    ANNUAL_SCHEME,
    GRAIN_ZH,
    SCHEME_FOR_GRAIN,
    Assessment,
    pick_scheme,
    report_items,
    run_assessment,
    unscorable_items,
)
from yigai.reports.assessment import entered_scores as _entered_scores
from yigai.reports.header import header, issue_date, short_name
from yigai.reports.inputs import (
    consequences_from_rows,
    indicator_values_from_rows,
    totals_from_rows,
)
from yigai.reports.model import (
    AssessmentItem,
    AssessmentTotal,
    Consequence,
    Direction,
    IndicatorMeta,
    RankingGroup,
    ReportData,
    Target,
    Unit,
)
from yigai.reports.report_periods import (
    TREND_MONTHS,
    history_periods,
    periods_needed,
    trend_months,
)
from yigai.reports.tasks import DEMO_PLAN, reform_tasks
from yigai.reports.units import (
    DEFAULT_COMPARE,
    AssembleError,
    compare_units,
    default_compare,
    org_unit,
)
from yigai.warehouse import Warehouse, keys

__all__ = [
    "ANNUAL_SCHEME",
    "DEFAULT_COMPARE",
    "DEMO_PLAN",
    "KEY_INDICATOR",
    "SCHEME_FOR_GRAIN",
    "TREND_MONTHS",
    "AssembleError",
    "Assessment",
    "check_kind",
    "compare_units",
    "header",
    "history_periods",
    "indicator_values",
    "issue_date",
    "kind_for",
    "periods_needed",
    "pick_scheme",
    "reform_tasks",
    "report_data",
    "report_items",
    "run_assessment",
    "short_name",
    "trend_months",
    "unscorable_items",
]

ReportKindName = Literal["bulletin", "monthly"]

#: The charted indicator: 县域内就诊率, the headline figure of every county-community plan
#: (seed 002 一（二）3: "县域内就诊率达到90%左右").
KEY_INDICATOR = "in_county_visit_rate"

KIND_GRAIN: dict[str, Grain] = {"bulletin": Grain.QUARTER, "monthly": Grain.MONTH}
KIND_ZH: dict[str, str] = {"bulletin": "季度通报", "monthly": "月度进展报告"}


def check_kind(period: Period, kind: str) -> None:
    """Reject a period whose grain is not the product's (a bulletin is quarterly, a monthly
    report monthly)."""
    if kind not in KIND_GRAIN:
        raise AssembleError(
            f"未知的报告类型 {kind!r}（应为 bulletin 或 monthly） / "
            f"unknown report kind {kind!r} (bulletin or monthly)"
        )
    want = KIND_GRAIN[kind]
    if period.grain is not want:
        raise AssembleError(
            f"周期 {period.id} 是{GRAIN_ZH[period.grain]}，{KIND_ZH[kind]}需要{GRAIN_ZH[want]}"
            f"周期（如 {'2025Q4' if want is Grain.QUARTER else '202512'}） / period {period.id} "
            f"is a {period.grain.value}; a {kind} needs a {want.value}"
        )


def kind_for(period: Period) -> ReportKindName:
    """The product a period id implies: a month → monthly report, a quarter → bulletin."""
    if period.grain is Grain.MONTH:
        return "monthly"
    if period.grain is Grain.QUARTER:
        return "bulletin"
    raise AssembleError(
        f"周期 {period.id} 是年度，没有对应的月报或季度通报；请给出月份（如 202512）或季度"
        f"（如 2025Q4） / period {period.id} is a year: give a month (202512) or a quarter (2025Q4)"
    )


def indicator_values(
    wh: Warehouse,
    session: Session | None,
    periods: Sequence[Period],
    *,
    values: pa.Table | None = None,
    engine: Literal["duckdb", "spark"] = "duckdb",
    spark_session: Any = None,
) -> pa.Table:
    """Computed values for ``periods`` (reusing ``values`` where it already covers a period),
    with reported aggregates merged in where nothing was computed."""
    have: set[str] = set()
    parts: list[pa.Table] = []
    if values is not None:
        ids = {p.id for p in periods}
        keep = [pid in ids for pid in values.column("period_id").to_pylist()]
        kept = values.filter(pa.array(keep, pa.bool_()))
        parts.append(kept.select(aggregates.RESULT_SCHEMA.names).cast(aggregates.RESULT_SCHEMA))
        have = set(kept.column("period_id").to_pylist())
    missing = [p for p in periods if p.id not in have]
    if missing:
        computed = compute(wh, missing, engine=engine, spark_session=spark_session)
        parts.append(computed.select(aggregates.RESULT_SCHEMA.names).cast(aggregates.RESULT_SCHEMA))
    table = pa.concat_tables(parts)
    if session is None:
        return table
    return aggregates.merge(table, aggregates.reported_values(session, periods))


# --- the whole report ----------------------------------------------------------------------


def indicator_meta(cat: catalogue_mod.Catalogue) -> list[IndicatorMeta]:
    return [
        IndicatorMeta(
            i.id,
            i.name_zh,
            i.name_en,
            Unit(str(i.unit)),
            Direction(i.direction),
            tuple(str(g) for g in (i.grains or ())),
        )
        for i in cat
    ]


def report_targets(period: Period, known: set[str]) -> list[Target]:
    """Targets already set by the period's end (a target set later did not apply then)."""
    return [
        Target(t.indicator, t.value, t.deadline, t.scope, t.baseline, t.source)
        for t in targets_mod.default()
        if t.indicator in known and t.judges(period)
    ]


def report_data(
    *,
    wh: Warehouse,
    session: Session | None,
    period: Period | str,
    region_id: str,
    kind: ReportKindName = "bulletin",
    scheme_id: str | None = None,
    document_number: str | None = None,
    issuer: str | None = None,
    engine: Literal["duckdb", "spark"] = "duckdb",
    values: pa.Table | None = None,
    compare: Sequence[str] | None = None,
    plan_id: str | None = None,
    manual_scores: Mapping[str, ManualScores] | None = None,
    spark_session: Any = None,
    key_indicators: Sequence[str] | None = None,
) -> ReportData:
    """Everything the monthly report or quarterly bulletin on ``region_id`` prints for
    ``period`` (module docstring). ``values`` may hold precomputed indicator results; periods
    it lacks are computed. ``session`` is the operational store (reported aggregates and
    reform tasks, manual scores); None leaves them out. ``manual_scores``: the assessor's
    entries by period id, in place of the stored ones (for a caller without a store); every
    command reads the stored ones. A manual item nobody entered scores 0 for now and makes
    its unit's total provisional (暂定). ``key_indicators``: the indicators the body's table
    keeps (default: the plan's list in ``data/key_indicators.yaml``); the annex has all."""
    p = period if isinstance(period, Period) else parse(period)
    check_kind(p, kind)
    # Every read is of one snapshot (a batch committed meanwhile is not half in the report),
    # and the report records it (数据版本): Warehouse.at(those versions) assembles it again.
    snapshot = wh.snapshot()
    wh = wh.at(snapshot)
    # Units as registered on the period end: their names then, one version each.
    org_units = read_in_force(wh, "org_units", p.end)
    info = org_info(org_units)
    if region_id not in info:
        raise AssembleError(f"机构表中没有单位 {region_id} / org_units holds no unit {region_id}")
    region = info[region_id]
    units = compare_units(info, region_id, default_compare(region) if compare is None else compare)
    cat = catalogue_mod.default()
    known = {i.id for i in cat}

    periods = periods_needed(p)
    merged = indicator_values(
        wh, session, periods, values=values, engine=engine, spark_session=spark_session
    )
    orgs = {region_id, *(u.org_id for u in units)}
    shown = [r for r in merged.to_pylist() if r["org_id"] in orgs and r["indicator_id"] in known]

    ids = {u.org_id for u in units}
    mask = [o in ids for o in org_units.column("org_id").to_pylist()]
    unit_table = org_units.filter(pa.array(mask, pa.bool_()))
    scored = assess_units(
        session, p, pick_scheme(p, scheme_id), merged, unit_table, known, manual_scores
    )
    tasks = (
        reform_tasks(
            session,
            p.end,
            plan_id,
            unit=region_id,
            ancestors=ancestors(region_id, info),
            kind=region.kind,
        )
        if session is not None
        else []
    )
    parent = info.get(region.parent_id) if region.parent_id else None
    governing = deployment.active()
    return ReportData(
        header=header(region, parent, p, kind, document_number=document_number, issuer=issuer),
        period=p,
        region=org_unit(region),
        units=[org_unit(u) for u in units],
        indicators=indicator_meta(cat),
        results=indicator_values_from_rows(shown),
        targets=report_targets(p, known),
        totals=scored.totals,
        items=scored.items,
        consequences=scored.consequences,
        tasks=tasks,
        key_indicator_id=KEY_INDICATOR if KEY_INDICATOR in known else None,
        scheme_zh=scored.scheme_zh,
        other_rankings=scored.others,
        body_indicator_ids=[
            i
            for i in (
                plan_key_indicators(plan_id or DEMO_PLAN)
                if key_indicators is None
                else key_indicators
            )
            if i in known
        ],
        warehouse_versions=snapshot.to_json(),
        governance_zh=governing.notes_zh(),
        # synthetic when the deployment says so or the synthetic generator built the warehouse
        synthetic=governing.synthetic or bool((keys.stored(wh.root) or {}).get("demo")),
    )


@dataclass
class Scored:
    """The assessments a report prints: the period's scheme and, in the quarter closing a
    year, the communities' annual scheme beside it (module docstring)."""

    scheme_zh: str = ""
    totals: list[AssessmentTotal] = field(default_factory=list)
    items: list[AssessmentItem] = field(default_factory=list)
    consequences: list[Consequence] = field(default_factory=list)
    others: list[RankingGroup] = field(default_factory=list)


def assess_units(
    session: Session | None,
    p: Period,
    scheme: Scheme | None,
    merged: pa.Table,
    unit_table: pa.Table,
    known: set[str],
    manual_scores: Mapping[str, ManualScores] | None,
) -> Scored:
    """Run the period's scheme (and the annual one in 第四季度) on the compared units."""
    out = Scored()
    if unit_table.num_rows == 0:
        return out
    if scheme is not None:
        entered = _entered_scores(session, scheme, p, manual_scores)
        done = run_assessment(scheme, merged, targets_mod.default(), p, unit_table, known, entered)
        if done is not None:
            out.scheme_zh = scheme.name_zh
            out.totals = totals_from_rows(done.result.totals_table().to_pylist())
            out.items = report_items(done.result)
            out.consequences = consequences_from_rows(
                assess.consequences_table(done.consequences).to_pylist()
            )
    if p.grain is Grain.QUARTER and p.end == dt.date(p.end.year, 12, 31):
        annual = assess.load_scheme(ANNUAL_SCHEME)
        year = Period.year(p.end.year)
        entered = _entered_scores(session, annual, year, manual_scores)
        done = run_assessment(
            annual, merged, targets_mod.default(), year, unit_table, known, entered
        )
        if done is not None:
            out.others.append(
                RankingGroup(
                    f"{year.label_zh}度{annual.name_zh.split('（')[0]}",
                    totals_from_rows(done.result.totals_table().to_pylist()),
                )
            )
            out.items += report_items(done.result)
            out.consequences += consequences_from_rows(
                assess.consequences_table(done.consequences).to_pylist()
            )
    return out


KEY_INDICATORS_FILE = Path(__file__).parent / "data" / "key_indicators.yaml"


def plan_key_indicators(plan_id: str) -> list[str]:
    """The indicators ``plan_id`` names as key (``data/key_indicators.yaml``); none listed:
    an empty list, and the body keeps every indicator."""
    import yaml

    from yigai.reports.params import StrictLoader

    with KEY_INDICATORS_FILE.open(encoding="utf-8") as f:
        plans = yaml.load(f, Loader=StrictLoader) or {}
    return [str(i) for i in plans.get(plan_id, {}).get("indicators", [])]

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
  its communities (医共体), township health centres (乡镇卫生院) and community health centres;
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
- **document header** (公文要素): 发文机关 "<县>深化医药卫生体制改革领导小组办公室", 发文字号
  "<县简称>医改办〔<年>〕<n>号" with n the quarter (bulletin) or month (monthly report) as a
  placeholder sequence number the office replaces with ``document_number``; 成文日期 the 15th of
  the month after the period (a yigai working default: figures are final by then); 主送 the
  county's leading group for the monthly report (a 报告 goes upward) and its member units,
  communities and centres for the bulletin (a 通报 goes to those it names); 抄送 the city's
  reform office.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

import pyarrow as pa
from sqlalchemy.orm import Session

from yigai import aggregates, assess, reform
from yigai.assess.assessment import ManualScores
from yigai.assess.model import Band, Scheme, ThresholdBands
from yigai.assess.scoring import needs_baseline, needs_target
from yigai.assess.stored import stored_scores
from yigai.indicators import catalogue as catalogue_mod
from yigai.indicators import compute
from yigai.indicators import targets as targets_mod
from yigai.orgs.hierarchy import OrgInfo, org_info
from yigai.orgs.model import InstitutionType, OrgKind
from yigai.periods import Grain, Period, parse
from yigai.records.versions import read_in_force
from yigai.reform.status import TaskStatus
from yigai.reports.inputs import (
    consequences_from_rows,
    indicator_values_from_rows,
    totals_from_rows,
)
from yigai.reports.model import (
    AssessmentItem,
    Direction,
    DocumentHeader,
    IndicatorMeta,
    OrgUnit,
    RankingGroup,
    ReformTask,
    ReportData,
    ReportDataError,
    Target,
    Unit,
)
from yigai.warehouse import Warehouse

ReportKindName = Literal["bulletin", "monthly"]

#: The charted indicator: 县域内就诊率, the headline figure of every county-community plan
#: (seed 002 一（二）3: "县域内就诊率达到90%左右").
KEY_INDICATOR = "in_county_visit_rate"

#: Seed 002 is the plan written for a county community (湛江市县域医共体实施方案).
DEMO_PLAN = "zhanjiang-2020"

#: Default units compared in a county's report: its communities, township health centres and
#: community health centres (the units a county bulletin ranks).
DEFAULT_COMPARE: tuple[str, ...] = ("community", "township_centre", "community_centre")

#: The scheme assessed for each grain when the caller names none.
SCHEME_FOR_GRAIN: dict[Grain, str] = {
    Grain.QUARTER: "primary_institution",
    Grain.YEAR: "community_2020",
}

#: Reported beside the quarterly scheme in the bulletin of the quarter that closes a year.
ANNUAL_SCHEME = "community_2020"

KIND_GRAIN: dict[str, Grain] = {"bulletin": Grain.QUARTER, "monthly": Grain.MONTH}
KIND_ZH: dict[str, str] = {"bulletin": "季度通报", "monthly": "月度进展报告"}
GRAIN_ZH: dict[Grain, str] = {Grain.MONTH: "月", Grain.QUARTER: "季度", Grain.YEAR: "年度"}

TREND_MONTHS = 12
ISSUE_DAY = 15  # 成文日期: the 15th of the month after the period (module docstring)

_SUFFIXES = ("自治县", "县", "市", "区", "旗")


class AssembleError(ReportDataError):
    """The report cannot be assembled as asked; the message is Chinese first, then English."""


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


# --- periods -------------------------------------------------------------------------------


def trend_months(period: Period) -> list[Period]:
    """The twelve months ending with the period's last month, oldest first."""
    months = [Period.month(period.end.year, period.end.month)]
    for _ in range(TREND_MONTHS - 1):
        months.append(months[-1].previous())
    return months[::-1]


def history_periods(period: Period) -> list[Period]:
    """The periods of the same grain in the period's year up to and including it."""
    out = [period]
    while (prev := out[-1].previous()).start.year == period.start.year:
        out.append(prev)
    return out[::-1]


def periods_needed(period: Period) -> list[Period]:
    """Every period a report on ``period`` reads (module docstring), sorted; a period that
    closes a year also reads that year and the one before (year-only indicators, sections)."""
    wanted = {period, period.previous(), period.same_period_last_year()}
    if period.grain is not Grain.YEAR and period.end == dt.date(period.end.year, 12, 31):
        year = Period.year(period.end.year)
        wanted |= {year, year.previous()}
    wanted |= set(trend_months(period))
    wanted |= set(history_periods(period))
    return sorted(wanted, key=lambda p: (p.start, p.end))


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


# --- units ---------------------------------------------------------------------------------


def _within(org_id: str, region_id: str, info: dict[str, OrgInfo]) -> bool:
    seen: set[str] = set()
    current: str | None = info[org_id].parent_id if org_id in info else None
    while current is not None and current not in seen:
        if current == region_id:
            return True
        seen.add(current)
        current = info[current].parent_id if current in info else None
    return False


def compare_units(
    info: dict[str, OrgInfo], region_id: str, compare: Iterable[str] = DEFAULT_COMPARE
) -> list[OrgInfo]:
    """The region's units of the chosen kinds/institution types, communities first, then by id."""
    wanted = set(compare)
    kinds = {k.value for k in OrgKind}
    unknown = sorted(w for w in wanted if w not in kinds and not _is_inst_type(w))
    if unknown:
        raise AssembleError(
            f"未知的单位类别：{unknown} / unknown unit kinds or institution types: {unknown}"
        )
    picked = [
        u
        for u in info.values()
        if (u.kind in wanted or (u.inst_type is not None and u.inst_type in wanted))
        and _within(u.org_id, region_id, info)
    ]
    order = {k: n for n, k in enumerate(compare)}
    return sorted(
        picked, key=lambda u: (order.get(u.kind, order.get(u.inst_type or "", 99)), u.org_id)
    )


def _is_inst_type(name: str) -> bool:
    return name in {t.value for t in InstitutionType}


def _org_unit(u: OrgInfo) -> OrgUnit:
    return OrgUnit(u.org_id, u.name, OrgKind(u.kind))


# --- assessment ----------------------------------------------------------------------------


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


def _entered_scores(
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


# --- reform tasks --------------------------------------------------------------------------


def reform_tasks(session: Session, as_of: dt.date, plan_id: str | None = None) -> list[ReformTask]:
    """Tasks with their status as of ``as_of``; the store is loaded with :data:`DEMO_PLAN`
    first when it holds no task at all."""
    views = reform.task_views(session, as_of, plan_id)
    if not views and plan_id in (None, DEMO_PLAN):
        reform.load_plan(session, DEMO_PLAN)
        views = reform.task_views(session, as_of, plan_id)
    late = {(v.plan_id, v.code) for v in reform.overdue(session, as_of, plan_id)}
    out = []
    for v in views:
        if v.status is TaskStatus.CANCELLED:
            continue
        if v.status is TaskStatus.DONE:
            status = "completed"
        else:
            status = "in_progress" if v.percent > 0 else "not_started"
        out.append(
            ReformTask(
                code=v.code,
                title=v.title,
                lead_department=v.lead or "",
                co_departments=v.co,
                deadline=v.deadline,
                status=status,
                overdue=(v.plan_id, v.code) in late,
                latest_progress=f"已完成{v.percent}%" if v.percent else "",
                deadline_text=v.deadline_text or "",
            )
        )
    return out


# --- header --------------------------------------------------------------------------------


def short_name(name: str) -> str:
    """县简称 for the 发文字号: the name without its 县/市/区 suffix (南凤县 → 南凤)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def issue_date(period: Period) -> dt.date:
    nxt = period.end + dt.timedelta(days=1)
    return dt.date(nxt.year, nxt.month, ISSUE_DAY)


def header(
    region: OrgInfo,
    parent: OrgInfo | None,
    period: Period,
    kind: str,
    *,
    document_number: str | None = None,
    issuer: str | None = None,
) -> DocumentHeader:
    """公文要素 of the report (defaults in the module docstring)."""
    issuer_zh = issuer or f"{region.name}深化医药卫生体制改革领导小组办公室"
    seq = (period.start.month + 2) // 3 if kind == "bulletin" else period.start.month
    number = document_number or f"{short_name(region.name)}医改办〔{period.start.year}〕{seq}号"
    if kind == "monthly":
        # 报告 is a report upward, to the leading group the office serves.
        recipients = f"{region.name}深化医药卫生体制改革领导小组"
    elif region.kind == OrgKind.COUNTY:
        recipients = "县医改领导小组各成员单位，各医共体、乡镇卫生院、社区卫生服务中心"
    else:
        recipients = "各有关单位"
    cc = f"{parent.name}深化医药卫生体制改革领导小组办公室" if parent is not None else ""
    return DocumentHeader(
        issuer_zh=issuer_zh,
        doc_number=number,
        issue_date=issue_date(period),
        recipients_zh=recipients,
        cc_zh=cc,
    )


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
        if t.indicator in known and (t.set_on is None or t.set_on <= period.end)
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
    compare: Sequence[str] = DEFAULT_COMPARE,
    plan_id: str | None = None,
    manual_scores: Mapping[str, ManualScores] | None = None,
    spark_session: Any = None,
) -> ReportData:
    """Everything the monthly report or quarterly bulletin on ``region_id`` prints for
    ``period`` (module docstring). ``values`` may hold precomputed indicator results; periods
    it lacks are computed. ``session`` is the operational store (reported aggregates and
    reform tasks, manual scores); None leaves them out. ``manual_scores``: the assessor's
    entries by period id, in place of the stored ones (for a caller without a store); every
    command reads the stored ones. A manual item nobody entered scores 0 for now and makes
    its unit's total provisional (暂定)."""
    p = period if isinstance(period, Period) else parse(period)
    check_kind(p, kind)
    # Units as registered on the period end: their names then, one version each.
    org_units = read_in_force(wh, "org_units", p.end)
    info = org_info(org_units)
    if region_id not in info:
        raise AssembleError(f"机构表中没有单位 {region_id} / org_units holds no unit {region_id}")
    region = info[region_id]
    units = compare_units(info, region_id, compare)
    cat = catalogue_mod.default()
    known = {i.id for i in cat}

    periods = periods_needed(p)
    merged = indicator_values(
        wh, session, periods, values=values, engine=engine, spark_session=spark_session
    )
    orgs = {region_id, *(u.org_id for u in units)}
    shown = [r for r in merged.to_pylist() if r["org_id"] in orgs and r["indicator_id"] in known]

    totals, items, consequences = [], [], []
    others: list[RankingGroup] = []
    scheme_zh = ""
    scheme = pick_scheme(p, scheme_id)
    ids = {u.org_id for u in units}
    mask = [o in ids for o in org_units.column("org_id").to_pylist()]
    unit_table = org_units.filter(pa.array(mask, pa.bool_()))
    if scheme is not None and units:
        entered = _entered_scores(session, scheme, p, manual_scores)
        done = run_assessment(scheme, merged, targets_mod.default(), p, unit_table, known, entered)
        if done is not None:
            scheme_zh = scheme.name_zh
            totals = totals_from_rows(done.result.totals_table().to_pylist())
            items = report_items(done.result)
            consequences = consequences_from_rows(
                assess.consequences_table(done.consequences).to_pylist()
            )
    if p.grain is Grain.QUARTER and p.end == dt.date(p.end.year, 12, 31) and units:
        annual = assess.load_scheme(ANNUAL_SCHEME)
        year = Period.year(p.end.year)
        entered = _entered_scores(session, annual, year, manual_scores)
        done = run_assessment(
            annual, merged, targets_mod.default(), year, unit_table, known, entered
        )
        if done is not None:
            others.append(
                RankingGroup(
                    f"{year.label_zh}度{annual.name_zh.split('（')[0]}",
                    totals_from_rows(done.result.totals_table().to_pylist()),
                )
            )
            items += report_items(done.result)
            consequences += consequences_from_rows(
                assess.consequences_table(done.consequences).to_pylist()
            )
    tasks = reform_tasks(session, p.end, plan_id) if session is not None else []
    parent = info.get(region.parent_id) if region.parent_id else None
    return ReportData(
        header=header(region, parent, p, kind, document_number=document_number, issuer=issuer),
        period=p,
        region=_org_unit(region),
        units=[_org_unit(u) for u in units],
        indicators=indicator_meta(cat),
        results=indicator_values_from_rows(shown),
        targets=report_targets(p, known),
        totals=totals,
        items=items,
        consequences=consequences,
        tasks=tasks,
        key_indicator_id=KEY_INDICATOR if KEY_INDICATOR in known else None,
        scheme_zh=scheme_zh,
        other_rankings=others,
    )

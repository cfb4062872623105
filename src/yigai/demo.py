"""The main job (示范任务): a synthetic county community, measured, paid and reported.

``yigai demo`` builds (or reuses) a synthetic county through the same ingestion path as real
data, computes the indicator catalogue for every month, quarter and year, prints the county's
values against their targets, and writes an HTML summary. Later steps (insurance settlement,
the quarterly bulletin) run on the same warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
from rich.table import Table

from yigai import html_summary
from yigai.console import ProgressFn, console, progress_bar
from yigai.indicators import catalogue as catalogue_mod
from yigai.indicators import compute
from yigai.indicators import targets as targets_mod
from yigai.indicators.model import Indicator
from yigai.orgs.hierarchy import org_info
from yigai.periods import Grain, Period, parse, periods_of_year
from yigai.reports.model import Direction
from yigai.reports.status import Status, rag_status, target_text, trend
from yigai.settings import Settings
from yigai.sources import cite
from yigai.synth.manual import ManualInputs
from yigai.warehouse import Warehouse

if TYPE_CHECKING:
    from yigai.policy.run import SettlementRun

UNIT_ZH = {
    "percent": "%",
    "permille": "‰",
    "yuan": "元",
    "count": "人次",
    "ratio": "比值",
    "per_1000": "每千人口",
    "per_10000": "每万人口",
    "days": "天",
}


@dataclass
class DemoResult:
    """What the demo produced, for the CLI and tests."""

    warehouse: Path
    values: pa.Table
    periods: list[Period]
    county_id: str
    county_name: str
    outputs: dict[str, Path] = field(default_factory=dict)


#: Counties the demo city holds: a city bulletin ranks its counties, which needs several.
DEMO_COUNTIES = 3


def ensure_county(
    wh: Warehouse,
    settings: Settings,
    residents: int,
    years: tuple[int, ...],
    seed: int,
    counties: int = 1,
) -> None:
    """Generate the synthetic county (``counties`` > 1: that many counties of one city sharing
    ``residents``) unless the warehouse already holds data."""
    from yigai.synth import SynthConfig, generate

    if wh.batches():
        console.print(f"复用已有数据仓库 / reusing warehouse at {wh.root}")
        return
    config = SynthConfig(
        counties_per_city=counties,
        total_residents=residents if counties > 1 else None,
        residents_per_county=residents,
        years=years,
        seed=seed,
    )
    console.print(
        f"生成合成县：{residents:,} 名居民，{years[0]}–{years[-1]} 年 / generating a synthetic county"
    )
    with progress_bar() as bar:
        generate(wh, config, key=settings.pseudonym_key, progress=bar)


def settle_years(
    wh: Warehouse, years: tuple[int, ...], region: str, output_dir: Path | None = None
) -> dict[int, SettlementRun]:
    """医保结算: adjudicate and settle each year in order, printing the last year's summary
    (its demonstration inputs labelled 示范参数); returns the runs by year. Settled years are
    not redone. A year already assessed (a reused warehouse: its totals under
    ``output_dir``, where ``yigai settle`` looks too) is settled with its scores, so a second
    demo writes no pending version."""
    from yigai.policy.assessment_release import read_scores
    from yigai.policy.commands import default_scores, print_summary, print_written
    from yigai.policy.run import settle
    from yigai.policy.statements.store import write_statements

    runs: dict[int, SettlementRun] = {}
    written = None
    for year in years:
        console.print(f"医保结算 {year} 年（{region}）/ settling insurance year {year}")
        path = None if output_dir is None else default_scores(output_dir, year)
        scores = read_scores(path) if path is not None and path.is_file() else None
        with progress_bar() as bar:
            runs[year] = settle(wh, year, region, progress=bar, scores=scores)
        written = write_statements(wh, runs[year])
    if runs and written is not None:
        print_summary(runs[years[-1]])
        print_written(written)
    return runs


def assess_and_release(
    settings: Settings, wh: Warehouse, runs: dict[int, SettlementRun], values: pa.Table
) -> None:
    """A bureau's order after the year is settled: assess the communities
    (``yigai assess community_2020 <year>``, from the values already computed and the stored
    manual scores), then release the budget share withheld pending the assessment by the
    score — what ``yigai settle`` of the year with the same scores file gives
    (:func:`yigai.policy.run.with_scores`), without settling the year again: nothing but the
    release depends on the score. The community statements get a new version; the earlier
    one (待考核) stays readable, and no other statement changes."""
    from yigai.assess.commands import run as run_assessment
    from yigai.assess.commands import stored_manual_scores
    from yigai.assess.model import load_scheme
    from yigai.indicators import targets as targets_mod
    from yigai.policy.assessment_release import read_scores
    from yigai.policy.commands import SCORE_SCHEME, default_scores, print_written
    from yigai.policy.run import with_scores
    from yigai.policy.statements.store import write_statements
    from yigai.records.versions import read_in_force

    units = read_in_force(wh, "org_units")
    scheme = load_scheme(SCORE_SCHEME)
    targets = targets_mod.load()
    for year, run in runs.items():
        console.print(
            f"医共体年度考核 {year} 年，按得分返还考核预留 / assessing {year} and releasing the "
            "withheld budget share by the score"
        )
        manual = stored_manual_scores(settings.database_url, scheme, str(year), units, None)
        run_assessment(SCORE_SCHEME, str(year), values, targets, units, settings.output_dir, manual)
        scores = read_scores(default_scores(settings.output_dir, year))
        print_written(write_statements(wh, with_scores(run, scores)))


def single_bar(bar: ProgressFn, label: str) -> ProgressFn:
    """Adapt a library's per-step descriptions to one labelled bar."""

    def update(_description: str, done: int, total: int | None) -> None:
        bar(label, done, total)

    return update


def _status(
    value: Decimal | None, target: targets_mod.Target | None, direction: str, tolerance: Decimal
) -> Status:
    """The bulletin's status rule (:func:`yigai.reports.status.rag_status`): met, close
    (within ``tolerance``, the dated ``status.amber_tolerance``) or missed, about the target
    only; "达到 90% 左右" counts as met from the indicator's good side, as in the bulletin."""
    return rag_status(
        value, None if target is None else target.value, Direction(direction), tolerance
    )


def _tolerance(period_id: str) -> Decimal:
    from yigai.reports import params as report_params

    return report_params.load("status.amber_tolerance").at(parse(period_id).end)


def _shown(value: Decimal | None, rec: dict | None) -> str:
    """A value as printed; a reported (填报) value is marked so it is never taken for one
    computed from records."""
    if value is None:
        return "—"
    return f"{value:,}（填报）" if rec and rec["source"] == "reported" else f"{value:,}"


def summary_rows(
    values: pa.Table,
    indicators: list[Indicator],
    org_id: str,
    org_kind: str,
    org_name: str,
    period_ids: list[str],
) -> list[html_summary.SummaryRow]:
    """Value vs target for one org unit, one row per indicator × period."""
    mine = [r for r in values.to_pylist() if r["org_id"] == org_id]
    by_key = {(r["indicator_id"], r["period_id"]): r for r in mine}

    def value_of(indicator_id: str, pid: str) -> Decimal | None:
        rec = by_key.get((indicator_id, pid))
        return Decimal(rec["value"]) if rec and rec["value"] is not None else None

    rows = []
    for ind in indicators:
        direction = Direction(str(ind.direction))
        for pid in period_ids:
            rec = by_key.get((ind.id, pid))
            value = value_of(ind.id, pid)
            previous = value_of(ind.id, parse(pid).previous().id)
            target = targets_mod.in_force(ind.id, org_id, pid, org_kind=org_kind)
            rows.append(
                html_summary.SummaryRow(
                    indicator_id=ind.id,
                    name_zh=ind.name_zh,
                    name_en=ind.name_en,
                    unit_zh=UNIT_ZH.get(str(ind.unit), str(ind.unit)),
                    org_name=org_name,
                    period_id=pid,
                    value=_shown(value, rec),
                    target="—" if target is None else target_text(f"{target.value}", direction),
                    deadline="—" if target is None else target.deadline.isoformat(),
                    status=_status(value, target, direction.value, _tolerance(pid)).value,
                    source=cite(ind.source or ""),
                    trend=trend(value, previous, direction),
                )
            )
    return rows


def print_table(rows: list[html_summary.SummaryRow], title: str) -> None:
    """One line per indicator: its values in each shown period, then target and status."""
    periods = list(dict.fromkeys(r.period_id for r in rows))
    table = Table(title=title, title_justify="left")
    table.add_column("指标 Indicator")
    for pid in periods:
        table.add_column(pid, justify="right")
    table.add_column("目标 Target", justify="right")
    table.add_column("状态 Status")
    colour = {s.value: "dim" for s in Status} | {"green": "green", "amber": "yellow", "red": "red"}
    by_indicator: dict[str, list[html_summary.SummaryRow]] = {}
    for r in rows:
        by_indicator.setdefault(r.indicator_id, []).append(r)
    for group in by_indicator.values():
        first = group[0]
        table.add_row(
            f"{first.name_zh}（{first.unit_zh}）",
            *(r.value for r in group),
            first.target,
            f"[{colour[first.status]}]{html_summary.STATUS_ZH[first.status]}[/]",
        )
    console.print(table)


def run(
    settings: Settings,
    *,
    residents: int = 20_000,
    years: tuple[int, ...] = (2024, 2025),
    seed: int = 2025,
    region: str | None = None,
) -> DemoResult:
    """Build or reuse the demo county, settle its insurance years under ``region``'s scheme
    (default: the insurance rules the deployment names, :mod:`yigai.deployment`), compute
    the catalogue, print and write the summary and the quarterly bulletin."""
    from yigai import deployment

    dep = deployment.active(settings.home)
    if region is None:
        rule = dep.rule_for("*", kind="county")
        region = rule.insurance if rule is not None and rule.insurance else "hebei_wuji"
    wh = Warehouse(settings.warehouse_dir)
    ensure_county(wh, settings, residents, years, seed, counties=DEMO_COUNTIES)

    runs = settle_years(wh, years, region, settings.output_dir)
    info = org_info(wh.read("org_units"))
    # The first county by id, the one `yigai report` defaults to.
    county = min((u for u in info.values() if u.kind == "county"), key=lambda u: u.org_id)
    supply_manual_inputs(settings, wh, county.org_id, years, seed)

    periods = [p for y in years for p in periods_of_year(y, tuple(Grain))]
    cat = catalogue_mod.default()
    console.print(f"计算 {len(cat)} 项指标 × {len(periods)} 个统计周期 / computing the catalogue")
    with progress_bar() as bar:
        values = compute(
            wh, periods, engine="duckdb", progress=single_bar(bar, "指标计算 indicators")
        )
    values = with_reported(settings, values, periods)
    # settle → assess → release: the release needs the year's assessment score
    assess_and_release(settings, wh, runs, values)
    last_year = years[-1]
    shown = [f"{last_year}", f"{last_year}Q4"]
    rows = summary_rows(values, list(cat), county.org_id, county.kind, county.name, shown)
    print_table(rows, f"{county.name} 主要指标完成情况（{last_year}年，第4季度）")

    out = settings.output_dir
    html = html_summary.render(
        rows,
        title=f"{county.name}县域医共体主要指标完成情况",
        subtitle=f"{last_year}年及第4季度 · 实际值与目标对照 / value vs target",
        notes=[
            "数据为 yigai 合成数据，按公开文件中的数字校准 / synthetic data calibrated to the seed documents.",
            *dep.notes_zh(),  # what plan, targets and insurance rules govern the region
            "目标来源见每行“来源”列；工作定义见 docs/indicators.md / targets cite their sources.",
            "状态只看目标（与季度通报同一规则）：达标；未达标但差距在目标值的容差以内为接近目标；"
            "其余为未达标；较上期改善与否另列 / status is about the target only, as in the "
            "bulletin; improvement is its own column.",
            "比率以整数分子分母精确计算，四舍五入（ROUND_HALF_UP） / exact integer ratios, half-up rounding.",
        ],
        path=out / "summary.html",
    )
    console.print(f"HTML 摘要 / summary: {html}")
    outputs = {"summary_html": html}
    quarter = Period.quarter(last_year, 4)
    bulletin = write_bulletin(settings, wh, county.org_id, quarter, values)
    outputs.update({f"bulletin_{fmt}": path for fmt, path in bulletin.items()})
    if county.parent_id is not None and info[county.parent_id].kind == "city":
        # The city's bulletin ranks its counties (`yigai report --region <city>`).
        city = write_bulletin(settings, wh, county.parent_id, quarter, values)
        outputs.update({f"city_bulletin_{fmt}": path for fmt, path in city.items()})
    return DemoResult(
        warehouse=wh.root,
        values=values,
        periods=periods,
        county_id=county.org_id,
        county_name=county.name,
        outputs=outputs,
    )


def supply_manual_inputs(
    settings: Settings, wh: Warehouse, county_id: str, years: tuple[int, ...], seed: int
) -> ManualInputs:
    """填报数据: what a county enters by hand — reported aggregates, reform-task progress,
    manual assessment scores — synthesised for the demo (marked 合成示范数据) and entered
    through the same import paths users use. A second run enters nothing new."""
    from yigai.store import migrate, session_scope
    from yigai.synth.manual import seed_manual_inputs

    console.print("录入填报数据（合成示范）/ entering reported data (synthetic demo input)")
    migrate(settings.database_url)
    with session_scope(settings.database_url) as session:
        return seed_manual_inputs(
            session,
            wh,
            county_id=county_id,
            years=years,
            seed=seed,
            inputs_dir=settings.home / "inputs",
        )


def with_reported(settings: Settings, values: pa.Table, periods: list[Period]) -> pa.Table:
    """Computed values plus reported ones where no record feed gives a value (marked)."""
    from yigai import aggregates
    from yigai.store import session_scope

    with session_scope(settings.database_url) as session:
        return aggregates.merge(values, aggregates.reported_values(session, periods))


def write_bulletin(
    settings: Settings,
    wh: Warehouse,
    county_id: str,
    quarter: Period,
    values: pa.Table | None,
) -> dict[str, Path]:
    """季度通报: the county's quarterly bulletin (its communities and institutions compared)
    into ``settings.output_dir / "reports"``, reusing the values already computed; manual
    scores come from the store, as for ``yigai report``."""
    from yigai.reports import write_quarterly_bulletin
    from yigai.reports.assemble import report_data
    from yigai.reports.commands import print_files, warn_provisional
    from yigai.store import migrate, session_scope

    console.print(f"写出{quarter.label_zh}通报 / writing the quarterly bulletin")
    migrate(settings.database_url)
    with session_scope(settings.database_url) as session:
        data = report_data(
            wh=wh,
            session=session,
            period=quarter,
            region_id=county_id,
            values=values,
        )
    warn_provisional(data)
    files = write_quarterly_bulletin(data, settings.output_dir / "reports")
    print_files(files, f"{data.region.name_zh}{quarter.label_zh}通报 / quarterly bulletin")
    return files

"""``yigai settle``: settle one insurance year over the warehouse and print the summary (医保结算).

The command is a thin shell over :func:`yigai.policy.run.settle`; the lead wires it with
``app.command("settle")(policy.commands.settle)``. Amounts are shown in yuan with two
decimals, converted exactly from integer fen; ratios as percentages of the Decimal shares.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.measure import Measurement
from rich.table import Table

from yigai import settings as settings_mod
from yigai.console import console, progress_bar

# Settlement pulls in pandas and Arrow: imported where used, so `yigai settle --help` is fast.
if TYPE_CHECKING:
    from yigai.policy.run import CommunityBudget, SettlementRun
    from yigai.policy.statements.store import Written


def yuan(amount_fen: int) -> str:
    """Integer fen as yuan text with two decimals and thousands separators (exact)."""
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(amount_fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def percent(share: Decimal | None) -> str:
    """A Decimal share as a percentage (0.6523 → 65.23%); '—' when undefined."""
    return "—" if share is None else f"{share * 100:.2f}%"


def who_bears(row: CommunityBudget) -> str:
    """Who bears a community's overrun, in words (Chinese first)."""
    if row.balance_fen >= 0:
        return "无超支 / no overrun"
    if row.fund_shared_fen and row.community_borne_fen:
        return "基金与医共体分担 / fund and community"
    if row.fund_shared_fen:
        return "基金 / fund"
    return "医共体 / community"


def _totals_table(run: SettlementRun) -> Table:
    t = run.totals
    table = Table(title="基金支出与报销比 / fund spending and reimbursement ratios")
    table.add_column("项目 / item")
    table.add_column("金额（元）或比例 / yuan or ratio", justify="right")
    for label, value in (
        ("医疗总费用 / total cost", yuan(t.total_cost_fen)),
        ("政策范围内费用 / policy-scope cost", yuan(t.eligible_fen)),
        ("统筹基金支付 / basic fund paid", yuan(t.fund_fen)),
        ("  其中县域内 / inside the county", yuan(t.fund_in_county_fen)),
        ("  其中县域外 / outside the county", yuan(t.fund_out_of_county_fen)),
        ("大病保险支付 / critical-illness insurance", yuan(t.critical_fen)),
        ("医疗救助支付 / medical assistance", yuan(t.assistance_fen)),
        ("个人负担 / patient paid", yuan(t.patient_fen)),
        ("实际报销比 / actual reimbursement ratio", percent(t.actual_ratio)),
        ("政策范围内报销比 / policy-scope reimbursement ratio", percent(t.policy_scope_ratio)),
        ("人头付费合计 / capitation total", yuan(run.capitation_fen)),
    ):
        table.add_row(label, value)
    return table


def _coefficients_used(run: SettlementRun) -> str:
    """The level coefficients the year's DIP points were multiplied by, level by level."""
    from yigai.policy.scheme import LEVEL_ZH

    used = {r.level: r.level_coefficient for r in run.dip if r.level is not None}
    shown = "、".join(f"{LEVEL_ZH.get(level, level)} {used[level]}" for level in sorted(used))
    return (
        f"等级系数（参数 payment.dip_level_coefficients）：{shown} / level coefficients used"
        f" (parameter payment.dip_level_coefficients): "
        + ", ".join(f"{level} {used[level]}" for level in sorted(used))
    )


def _dip_table(run: SettlementRun) -> Table:
    years = "、".join(str(y) for y in run.dip_base_years)
    table = Table(
        title="按病种分值付费（DIP）机构结算 / DIP settlement by institution",
        caption=(
            f"基准年 {years}；预算点值 {run.dip_budget_point_value} 分/分值，"
            f"结算点值 {run.dip_settlement_point_value} 分/分值；DIP 基金 {yuan(run.dip_fund_fen)} 元"
            f" / base years {years}; budget and settlement point values in fen per point"
            f"\n{_coefficients_used(run)}"
        ),
    )
    for header in (
        "机构 / institution",
        "病例 / cases",
        "分值 / points",
        "等级系数 / level coef.",
        "月度预结算 / pre-settled",
        "年终清算 / year-end",
        "DIP 应付 / DIP due",
        "按项目基金 / item fund",
        "结余(+)超支(−) / balance",
    ):
        name = header.startswith("机构")
        table.add_column(
            header.replace(" / ", "\n"),
            justify="left" if name else "right",
            overflow="fold",
            no_wrap=not name,
        )
    for r in run.dip:
        table.add_row(
            r.name,
            f"{r.cases:,}",
            f"{r.points:.4f}",
            "—" if r.level_coefficient is None else f"{r.level_coefficient}",
            yuan(r.presettled_fen),
            yuan(r.year_end_fen),
            yuan(r.fund_due_fen),
            yuan(r.item_fund_fen),
            yuan(r.balance_fen),
        )
    return table


def _budget_table(run: SettlementRun) -> Table:
    """One column per community, one row per figure: narrow enough for any terminal."""
    from yigai.policy.inputs import COMMUNITY_BUDGETS

    table = Table(
        title="医共体总额预算结算 / community global budget settlement",
        caption=f"预算：参数 {COMMUNITY_BUDGETS} / budgets: parameter {COMMUNITY_BUDGETS}",
    )
    table.add_column("项目 / item")
    for r in run.budgets:
        table.add_column(r.name, justify="right", no_wrap=True)
    for label, cell in (
        ("预算 / budget", lambda r: yuan(r.budget_fen)),
        ("实际支出 / spending", lambda r: yuan(r.spending_fen)),
        ("  其中成员单位 / at members", lambda r: yuan(r.inside_fen)),
        ("  其中其他机构 / elsewhere", lambda r: yuan(r.outside_fen)),
        ("结余(+)超支(−) / surplus (+) or overrun (−)", lambda r: yuan(r.balance_fen)),
        ("医共体留用 / retained by the community", lambda r: yuan(r.retained_fen)),
        ("返还基金 / returned to the fund", lambda r: yuan(r.returned_fen)),
        ("基金分担超支 / overrun borne by the fund", lambda r: yuan(r.fund_shared_fen)),
        ("医共体承担超支 / overrun borne by the community", lambda r: yuan(r.community_borne_fen)),
        ("超支承担方 / who bears the overrun", who_bears),
        ("医共体结算 / community settlement", lambda r: yuan(r.settlement_fen)),
        *_release_rows(run),
    ):
        table.add_row(label, *(cell(r) for r in run.budgets))
    return table


def _release_rows(run: SettlementRun) -> list[tuple[str, Callable[[CommunityBudget], str]]]:
    """Rows for the assessment withholding and release, when the plan withholds a share."""
    if all(r.release is None for r in run.budgets):
        return []

    def score(r: CommunityBudget) -> str:
        if r.release is None:
            return "—"
        return "待考核 / pending" if r.release.score is None else str(r.release.score)

    return [
        (
            "考核预留 / withheld for the assessment",
            lambda r: yuan(r.release.withheld_fen) if r.release else "—",
        ),
        ("年度考核总分 / assessment score", score),
        (
            "考核返还 / released by the score",
            lambda r: yuan(r.release.released_fen) if r.release else "—",
        ),
    ]


def _members_table(run: SettlementRun) -> Table:
    table = Table(title="结算分配到成员单位 / settlement split to member institutions")
    table.add_column("医共体 / community", overflow="fold")
    table.add_column("成员单位 / member", overflow="fold")
    table.add_column("基金支出（分配依据）/ fund spending (key)", justify="right", no_wrap=True)
    table.add_column("分得 / share", justify="right", no_wrap=True)
    for community in run.budgets:
        for i, m in enumerate(community.members):
            name = community.name if i == 0 else ""
            table.add_row(name, m.name, yuan(m.key_value), yuan(m.settlement_fen))
    return table


def _show(table: Table) -> None:
    """Print ``table`` at its natural width even on a narrow terminal: an amount is never
    cropped or folded (the terminal wraps the long lines instead)."""
    natural = Measurement.get(console, console.options.update_width(1000), table).maximum
    table.width = max(console.width, natural) if natural > console.width else None
    console.print(table, crop=False)


#: Dropped encounters listed by id (the rest are counted).
_DROPPED_SHOWN = 10


def _print_dropped(run: SettlementRun) -> None:
    """Which of the year's encounters gave no claim, and why (counted by reason)."""
    from yigai.policy.settle import DROPPED_REASONS

    if not run.dropped:
        return
    console.print(
        f"{len(run.dropped):,} 次就诊未结算 / {len(run.dropped):,} encounters gave no claim:"
    )
    for code, (zh, en) in DROPPED_REASONS.items():
        ids = [eid for eid, why in run.dropped if why == code]
        if ids:
            shown = "、".join(ids[:_DROPPED_SHOWN]) + (" …" if len(ids) > _DROPPED_SHOWN else "")
            console.print(f"  {len(ids):,} 次：{zh} / {len(ids):,}: {en} — {shown}")


def demo_label(names: tuple[str, ...] | list[str]) -> str:
    """The 示范参数 line for figures computed from demonstration inputs ('' when none)."""
    if not names:
        return ""
    listed = "、".join(names)
    return (
        f"示范参数：以下金额使用示范值（{listed}），不是医保局核定的数值 / demo values: the "
        f"figures below use demonstration inputs ({', '.join(names)}), not the bureau's own"
    )


def print_demo_label(names: tuple[str, ...] | list[str]) -> None:
    if names:
        console.print(f"[bold yellow]{demo_label(names)}[/bold yellow]")


def print_summary(run: SettlementRun) -> None:
    """The bilingual summary of a settlement run (Chinese first)."""
    console.print(
        f"[bold]{run.year} 年医保结算（{run.region}）/ insurance settlement {run.year}"
        f" ({run.region})[/bold]"
    )
    console.print(
        f"理赔 {run.totals.claims:,} 笔，本次写入 {run.claims_written:,} 笔 / "
        f"{run.totals.claims:,} claims, {run.claims_written:,} written by this run "
        f"(batch {run.batch_id})"
    )
    _print_dropped(run)
    print_demo_label(run.demo_parameters)
    if run.claims_differing:
        console.print(
            f"[yellow]注意：已存储的 {run.claims_differing:,} 笔理赔与现行参数的结算结果不同，"
            f"汇总按已存储记录 / note: {run.claims_differing:,} stored claims differ from what "
            "the current parameters give; figures use the stored claims[/yellow]"
        )
    _show(_totals_table(run))
    if run.dip:
        _show(_dip_table(run))
    else:
        console.print("本年无县域内住院病例，未做 DIP 结算 / no in-county inpatient cases: no DIP")
    if run.budgets:
        _show(_budget_table(run))
        _show(_members_table(run))
    else:
        console.print(
            "没有医共体，未做医共体总额预算结算 / no community: no community budget settlement"
        )


def settle(
    year: Annotated[int, typer.Option(help="医保年度 / insurance year")],
    region: Annotated[
        str, typer.Option(help="待遇方案地区 / scheme region (parameter folder)")
    ] = "hebei_wuji",
    home: Annotated[
        Path | None, typer.Option(help="数据目录 / data folder (default $YIGAI_HOME or ./var)")
    ] = None,
    scores: Annotated[
        Path | None,
        typer.Option(
            help="医共体年度考核结果 assessment_totals.parquet（默认取 yigai assess "
            "community_2020 <年> 的结果）/ community assessment totals (default: the result of "
            "yigai assess community_2020 <year>)"
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="理赔计算引擎：local 单进程 | spark（按参保人哈希分组，见 docs/SCALE.md）"
            " / claims engine: local (one process) | spark (grouped by a hash of the person)"
        ),
    ] = "local",
) -> None:
    """结算一个医保年度：理赔、DIP、人头付费、医共体总额预算 / settle one insurance year."""
    from yigai.policy.assessment_release import read_scores
    from yigai.policy.run import settle as run_settle
    from yigai.policy.statements.store import write_statements
    from yigai.warehouse import Warehouse
    from yigai.warehouse.errors import WarehouseError

    if engine not in ENGINES:
        console.print(
            f"[red]未知引擎 {engine!r}，可选 {' | '.join(ENGINES)} / unknown engine {engine!r}, "
            f"choose {' | '.join(ENGINES)}[/red]"
        )
        raise typer.Exit(1)
    conf = settings_mod.load()
    if home is not None:
        conf = dataclasses.replace(conf, home=home.resolve())
    if not conf.warehouse_dir.is_dir():
        console.print(
            f"[red]数据仓库不存在：{conf.warehouse_dir} / no warehouse at {conf.warehouse_dir}[/red]"
        )
        raise typer.Exit(2)
    path = scores or default_scores(conf.output_dir, year)
    try:
        given = read_scores(path) if path.is_file() or scores is not None else None
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    if given is not None:
        console.print(f"考核得分取自 / assessment scores from {path}")
    try:
        with progress_bar() as bar:
            wh = Warehouse(conf.warehouse_dir)
            run = run_settle(wh, year, region, progress=bar, scores=given, **_engine(engine))
        written = write_statements(wh, run)
    except (ValueError, WarehouseError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    print_summary(run)
    print_written(written)


#: The claims engines of ``yigai settle --engine``.
ENGINES = ("local", "spark")


def _engine(engine: str) -> dict[str, Any]:
    """The ``claims`` argument of the settlement run for ``engine`` (none: local)."""
    if engine != "spark":
        return {}
    from yigai.policy.spark_claims import spark_claims
    from yigai.policy.spark_settle import session

    return {"claims": spark_claims(session())}


#: The annual community assessment whose totals release the withheld share.
SCORE_SCHEME = "community_2020"


def default_scores(output_dir: Path, year: int) -> Path:
    """Where ``yigai assess community_2020 <year>`` writes the community totals."""
    return output_dir / "assess" / SCORE_SCHEME / str(year) / "assessment_totals.parquet"


def print_written(written: Written) -> None:
    """What the run stored as statements (结算单): new versions, or nothing when unchanged."""
    console.print(
        f"结算单：新写入 {written.new_versions:,} 张，未变 {written.unchanged:,} 张"
        f"（yigai statements list 查看）/ statements: {written.new_versions:,} new versions, "
        f"{written.unchanged:,} unchanged (see yigai statements list)"
    )

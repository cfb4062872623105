"""``yigai assess``: run an assessment scheme for one period over the warehouse (开展考核).

The indicator engine and targets are imported only when the command runs, so the assessment
library stays usable (and testable) without them; :func:`run` takes the pieces as arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import pyarrow as pa

    from yigai.assess.assessment import AssessmentResult, ValuesProvider
    from yigai.assess.model import Scheme, TargetLike

app = typer.Typer(help="绩效考核 / assessment")


def run(
    scheme_id: str,
    period_id: str,
    values: pa.Table | ValuesProvider,
    targets: Sequence[TargetLike],
    org_units: pa.Table,
    out_dir: Path,
    manual_scores: pa.Table | None = None,
) -> AssessmentResult:
    """Assess and write ``assessment_totals``, ``assessment_items`` and ``subsidies`` Parquet."""
    import pyarrow.parquet as pq

    from yigai.assess.assessment import assess as assess_scheme
    from yigai.assess.model import load_scheme
    from yigai.assess.subsidy import subsidies

    scheme = load_scheme(scheme_id)
    result = assess_scheme(scheme, values, targets, period_id, org_units, manual_scores)
    target = out_dir / "assess" / scheme.id / result.period_id
    target.mkdir(parents=True, exist_ok=True)
    for name, table in {**result.tables(), "subsidies": subsidies(result)}.items():
        pq.write_table(table, target / f"{name}.parquet")
    return result


def _provider(home: Path) -> tuple[ValuesProvider, Callable[[], Sequence[TargetLike]], pa.Table]:
    import yigai.indicators as indicators
    from yigai.records.versions import read_in_force
    from yigai.warehouse import Warehouse

    compute = getattr(indicators, "compute", None)
    if compute is None:  # until the package re-exports it
        from yigai.indicators.engine import compute
    try:
        from yigai.indicators import targets as targets_mod
    except ImportError as exc:
        raise typer.BadParameter(
            f"指标目标值模块不可用：{exc} / indicator targets are not available: {exc}"
        ) from exc
    wh = Warehouse(home / "warehouse")
    units = read_in_force(wh, "org_units")  # one version per unit: the latest
    return (lambda periods: compute(wh, periods)), targets_mod.load, units


@app.command("assess")
def assess(
    scheme: Annotated[str, typer.Argument(help="方案 id 或 YAML 路径 / scheme id or YAML path")],
    period: Annotated[str, typer.Argument(help="考核周期 2025Q1 或 2025 / period")],
    home: Annotated[Path | None, typer.Option(help="YIGAI_HOME（默认取环境变量）")] = None,
    manual: Annotated[
        Path | None,
        typer.Option(
            help="手工评分 CSV（org_id,item_id,value），校验后存入业务数据库 / manual scores CSV, "
            "checked and stored"
        ),
    ] = None,
) -> None:
    """按考核方案对一个周期开展考核；手工评分取自业务数据库（--manual 先录入） / Assess one
    period with a scheme; manual scores come from the store (--manual enters them first)."""
    from rich.markup import escape
    from rich.table import Table

    from yigai.assess.model import load_scheme
    from yigai.console import console
    from yigai.reports.commands import settings_for

    s = settings_for(home)
    root = s.home
    values, load_targets, org_units = _provider(root)
    chosen = load_scheme(scheme)
    entered = stored_manual_scores(s.database_url, chosen, period, org_units, manual)
    result = run(scheme, period, values, load_targets(), org_units, root / "out", entered)
    table = Table(title=f"{result.scheme.name_zh} {result.period.label_zh}")
    for col in ("排名 rank", "机构 org", "总分 total", "等次 grade"):
        table.add_column(col)
    for o in result.orgs:
        # Names come from imported files: shown as text, never read as Rich markup.
        org = escape(f"{o.name} ({o.org_id})")
        mark = "（暂定）" if o.org_id in result.provisional_orgs else ""
        table.add_row(f"{o.rank}/{o.peers}", org, f"{o.total:f}{mark}", o.grade)
    console.print(table)
    warn_missing(result)
    console.print(
        f"结果已写入 / written to {root / 'out' / 'assess' / result.scheme.id / result.period_id}"
    )


def stored_manual_scores(
    url: str, scheme: Scheme, period: str, org_units: pa.Table, manual: Path | None
) -> pa.Table | None:
    """The scheme's manual scores for ``period`` from the store, after storing ``manual``
    (checked against the scheme first) when given."""
    from yigai.assess.stored import import_scores, stored_scores
    from yigai.console import console
    from yigai.periods import parse
    from yigai.store import migrate, session_scope

    pid = parse(period).id
    migrate(url)
    with session_scope(url) as session:
        if manual is not None:
            done = import_scores(session, manual, scheme, pid, org_units)
            console.print(
                f"手工评分已录入：新增或修改 {done.rows_stored} 行，未变 {done.rows_unchanged} 行 / "
                f"manual scores stored: {done.rows_stored} new or changed, "
                f"{done.rows_unchanged} unchanged"
            )
        return stored_scores(session, scheme.id, [pid]).get(pid)


def warn_missing(result: AssessmentResult) -> None:
    """Warn on the console when a total rests on items that had no input (暂定)."""
    from rich.markup import escape

    from yigai.console import console

    missing = result.missing_inputs()
    if not missing:
        return
    names = "、".join(dict.fromkeys(result.scheme.item(m.item_id).name_zh for m in missing))
    console.print(
        f"[yellow]警告：{result.scheme.name_zh} {result.period.label_zh} 有 {len(missing)} 项"
        f"考核输入缺失（{escape(names)}），相关单位得分为暂定 / warning: {len(missing)} "
        f"assessment inputs are missing; those totals are provisional[/yellow]"
    )

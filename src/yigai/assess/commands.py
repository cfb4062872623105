"""``yigai assess``: run an assessment scheme for one period over the warehouse (开展考核).

The indicator engine and targets are imported only when the command runs, so the assessment
library stays usable (and testable) without them; :func:`run` takes the pieces as arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import pyarrow.parquet as pq
import typer

from yigai.assess.assessment import AssessmentResult, ValuesProvider
from yigai.assess.assessment import assess as assess_scheme
from yigai.assess.manual import read_manual_scores
from yigai.assess.model import TargetLike, load_scheme
from yigai.assess.subsidy import subsidies

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
    scheme = load_scheme(scheme_id)
    result = assess_scheme(scheme, values, targets, period_id, org_units, manual_scores)
    target = out_dir / "assess" / scheme.id / result.period_id
    target.mkdir(parents=True, exist_ok=True)
    for name, table in {**result.tables(), "subsidies": subsidies(result)}.items():
        pq.write_table(table, target / f"{name}.parquet")
    return result


def _provider(home: Path) -> tuple[ValuesProvider, Callable[[], Sequence[TargetLike]], pa.Table]:
    import yigai.indicators as indicators
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
    return (lambda periods: compute(wh, periods)), targets_mod.load, wh.read("org_units")


@app.command("assess")
def assess(
    scheme: Annotated[str, typer.Argument(help="方案 id 或 YAML 路径 / scheme id or YAML path")],
    period: Annotated[str, typer.Argument(help="考核周期 2025Q1 或 2025 / period")],
    home: Annotated[Path | None, typer.Option(help="YIGAI_HOME（默认取环境变量）")] = None,
    manual: Annotated[
        Path | None, typer.Option(help="手工评分 CSV（org_id,item_id,value） / manual scores CSV")
    ] = None,
) -> None:
    """按考核方案对一个周期开展考核 / Assess one period with a scheme."""
    from rich.table import Table

    from yigai import settings
    from yigai.console import console

    s = settings.load()
    root = home.resolve() if home else s.home
    values, load_targets, org_units = _provider(root)
    manual_table = None
    if manual is not None:
        manual_table = read_manual_scores(manual)
    result = run(scheme, period, values, load_targets(), org_units, root / "out", manual_table)
    table = Table(title=f"{result.scheme.name_zh} {result.period.label_zh}")
    for col in ("排名 rank", "机构 org", "总分 total", "等次 grade"):
        table.add_column(col)
    for o in result.orgs:
        table.add_row(f"{o.rank}/{o.peers}", f"{o.name} ({o.org_id})", f"{o.total:f}", o.grade)
    console.print(table)
    console.print(
        f"结果已写入 / written to {root / 'out' / 'assess' / result.scheme.id / result.period_id}"
    )

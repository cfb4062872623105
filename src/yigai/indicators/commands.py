"""``yigai indicators``: list the catalogue and compute indicators (监测指标计算)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from yigai import settings

if TYPE_CHECKING:
    import pyarrow as pa

app = typer.Typer(help="监测指标 / monitoring indicators")


def open_source() -> Any:
    """The deployment's warehouse (``YIGAI_HOME/warehouse``)."""
    from yigai.warehouse import Warehouse

    return Warehouse(settings.load().warehouse_dir)


@app.command("list")
def list_() -> None:
    """列出指标目录 / list the indicator catalogue."""
    from rich.table import Table

    from yigai.console import console
    from yigai.indicators import catalogue as catalogue_mod
    from yigai.sources import cite

    table = Table(title="指标目录 / indicator catalogue")
    for header in ("id", "名称", "单位 unit", "方向", "来源 source", "工作定义"):
        table.add_column(header)
    for ind in catalogue_mod.default():
        table.add_row(
            ind.id,
            ind.name_zh,
            ind.unit.value,
            ind.direction,
            cite(ind.source or ""),  # the document itself, not the stored id (yigai.sources)
            "是" if ind.working_definition else "否",
        )
    console.print(table)


def _write(result: pa.Table, out: Path) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from yigai import safe_cells

    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        # Org ids come from imported data: text that looks like a formula is quoted.
        pacsv.write_csv(safe_cells.csv_table(result), out)
    else:
        pq.write_table(result, out)


@app.command("compute")
def compute_(
    periods: Annotated[list[str], typer.Argument(help="统计周期，如 202503 2025Q1 2025 / periods")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="结果文件 .parquet 或 .csv / result file")
    ] = Path("indicators.parquet"),
    engine: Annotated[str, typer.Option(help="duckdb | spark")] = "duckdb",
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", "-i", help="只计算这些指标 / only these")
    ] = None,
) -> None:
    """计算指标并写出结果表 / compute indicators and write the result table."""
    from yigai.console import console, progress_bar
    from yigai.indicators import catalogue as catalogue_mod
    from yigai.indicators.engine import compute
    from yigai.periods import PeriodError, parse

    try:
        wanted = [parse(p) for p in periods]
    except PeriodError as exc:
        raise typer.BadParameter(str(exc)) from None
    cat = catalogue_mod.default()
    if indicator:
        try:
            cat = cat.select(indicator)
        except KeyError as exc:
            raise typer.BadParameter(str(exc.args[0])) from None
    session = None
    if engine == "spark":
        from pyspark.sql import SparkSession

        session = SparkSession.builder.appName("yigai").getOrCreate()
    with progress_bar() as progress:
        result = compute(
            open_source(),
            wanted,
            engine=engine,  # type: ignore[arg-type]
            catalogue=cat,
            spark_session=session,
            progress=progress,
        )
    _write(result, out)
    console.print(
        f"已写出 {result.num_rows} 行指标值 → {out} / wrote {result.num_rows} indicator values"
    )

"""``yigai report``: write the monthly report or the quarterly bulletin from a report data
file (see :mod:`yigai.reports.datafile`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from yigai import settings
from yigai.reports import datafile
from yigai.reports.bulletin import write_quarterly_bulletin
from yigai.reports.model import ReportData, ReportDataError
from yigai.reports.monthly import write_monthly_report

app = typer.Typer(
    help="月度进展报告与季度通报 / monthly report and quarterly bulletin", no_args_is_help=True
)

DataOpt = Annotated[Path, typer.Argument(help="报告数据文件（YAML） / report data file (YAML)")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="输出目录 / output folder (default $YIGAI_HOME/out/reports)"),
]


Writer = Callable[[ReportData, Path], dict[str, Path]]


def _run(writer: Writer, data_path: Path, out: Path | None) -> None:
    try:
        data = datafile.load(data_path)
        files = writer(data, out or settings.load().output_dir / "reports")
    except ReportDataError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from None
    for kind, path in files.items():
        typer.echo(f"{kind}\t{path}")


@app.command()
def monthly(data: DataOpt, out: OutOpt = None) -> None:
    """月度进展报告 / monthly progress report (DOCX, PDF, XLSX, HTML)."""
    _run(write_monthly_report, data, out)


@app.command()
def bulletin(data: DataOpt, out: OutOpt = None) -> None:
    """季度通报 / quarterly bulletin (DOCX, PDF, XLSX, HTML)."""
    _run(write_quarterly_bulletin, data, out)

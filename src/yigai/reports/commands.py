"""``yigai report``: the monthly report (月度进展报告) or quarterly bulletin (季度通报) of a
region, built from the platform's own data (:mod:`yigai.reports.assemble`).

``report`` is the top-level command (``yigai report --period 2025Q4``); ``app`` keeps the
sub-commands that write either product from a hand-made report data file
(:mod:`yigai.reports.datafile`).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yigai import settings as settings_mod

if TYPE_CHECKING:
    from yigai.reports.model import ReportData
    from yigai.reports.produce import Writer

app = typer.Typer(
    help="月度进展报告与季度通报 / monthly report and quarterly bulletin", no_args_is_help=True
)

DataOpt = Annotated[Path, typer.Argument(help="报告数据文件（YAML） / report data file (YAML)")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="输出目录 / output folder (default $YIGAI_HOME/out/reports)"),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=2)


def _run(writer: Writer, data_path: Path, out: Path | None) -> None:
    from yigai.console import progress_bar
    from yigai.reports import datafile
    from yigai.reports.model import ReportDataError

    try:
        data = datafile.load(data_path)
        with progress_bar() as bar:
            files = writer(data, out or settings_mod.load().output_dir / "reports", bar)
    except ReportDataError as exc:
        raise _fail(str(exc)) from None
    for kind, path in files.items():
        typer.echo(f"{kind}\t{path}")


@app.command()
def monthly(data: DataOpt, out: OutOpt = None) -> None:
    """月度进展报告 / monthly progress report (DOCX, PDF, XLSX, HTML)."""
    from yigai.reports.monthly import write_monthly_report

    _run(write_monthly_report, data, out)


@app.command()
def bulletin(data: DataOpt, out: OutOpt = None) -> None:
    """季度通报 / quarterly bulletin (DOCX, PDF, XLSX, HTML)."""
    from yigai.reports.bulletin import write_quarterly_bulletin

    _run(write_quarterly_bulletin, data, out)


def print_files(files: dict[str, Path], title: str) -> None:
    """The written files as a Rich table (format, path)."""
    from rich.table import Table

    from yigai.console import console

    table = Table(title=title, title_justify="left")
    table.add_column("格式 Format")
    table.add_column("文件 File", overflow="fold")
    for fmt, path in files.items():
        table.add_row(fmt.upper(), str(path))
    console.print(table)


def warn_provisional(data: ReportData) -> None:
    """Warn on the console when assessment totals rest on missing inputs (暂定)."""
    from rich.markup import escape

    from yigai.console import console

    groups = [data.totals, *(g.totals for g in data.other_rankings)]
    names = [data.unit_name(t.org_id) for totals in groups for t in totals if t.provisional]
    if names:
        console.print(
            f"[yellow]警告：{escape('、'.join(dict.fromkeys(names)))} 的考核得分为暂定（部分考核项目"
            f"缺少数据或评分，按0分暂计） / warning: {len(set(names))} assessment totals are "
            f"provisional (inputs missing, scored 0 for now)[/yellow]"
        )


def report(
    period: Annotated[
        str, typer.Option("--period", help="统计周期：月 202512 或季度 2025Q4 / period")
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="bulletin（季度通报）或 monthly（月度进展报告）；默认按周期 / default from period",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="报告单位（县）机构编码；默认第一个县 / region org id"),
    ] = None,
    out: OutOpt = None,
    home: Annotated[
        Path | None, typer.Option("--home", help="数据目录 / data folder (default ./var)")
    ] = None,
    doc_number: Annotated[
        str | None, typer.Option("--doc-number", help="发文字号 / document number")
    ] = None,
) -> None:
    """从平台数据写出月度进展报告或季度通报（DOCX、PDF、XLSX、HTML） / write the report
    from the platform's data."""
    # Imported here: `yigai report --help` must not load the engine, the store or Arrow.
    from yigai.console import progress_bar
    from yigai.periods import PeriodError, parse
    from yigai.reports import produce
    from yigai.reports.assemble import AssembleError
    from yigai.reports.model import ReportDataError
    from yigai.store import migrate, session_scope
    from yigai.warehouse import Warehouse

    settings = settings_for(home)
    try:
        p = parse(period)
    except PeriodError as exc:
        raise _fail(f"{exc}") from None
    try:
        chosen = produce.chosen_kind(p, kind)
        wh = Warehouse(settings.warehouse_dir)
        migrate(settings.database_url)
        with session_scope(settings.database_url) as session:
            data = produce.assemble(
                wh, session, p, kind=chosen, region_id=region, document_number=doc_number
            )
        warn_provisional(data)
        with progress_bar() as bar:
            files = produce.write(data, chosen, out or settings.output_dir / "reports", bar)
    except (AssembleError, ReportDataError) as exc:
        raise _fail(str(exc)) from None
    product = "通报" if chosen == "bulletin" else "进展报告"
    print_files(files, f"{data.region.name_zh}{p.label_zh}{product} / files written")


def settings_for(home: Path | None) -> settings_mod.Settings:
    """Settings with ``--home`` in place of ``YIGAI_HOME``, without changing the environment
    (the database stays ``YIGAI_DATABASE_URL`` when set, else the SQLite file under home)."""
    settings = settings_mod.load()
    if home is None:
        return settings
    root = home.resolve()
    url = os.environ.get("YIGAI_DATABASE_URL", f"sqlite:///{root / 'yigai.db'}")
    return replace(settings, home=root, database_url=url)

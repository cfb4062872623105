"""``yigai aggregates``: write the reporting template and import filled-in files (上报数据)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from yigai.aggregates.importer import ImportReport

app = typer.Typer(help="上报数据：模板与导入 / reported aggregate values: template and import")

SHOWN = 20
_STATUS_ZH = {
    "committed": "已导入",
    "rejected": "已拒收（未写入任何数据）",
    "already_imported": "此前已导入（未重复写入）",
    "unchanged": "数据无变化",
}

DbOption = Annotated[
    str | None, typer.Option("--database-url", help="数据库 / database URL (default: settings)")
]
IndicatorOption = Annotated[
    list[str] | None,
    typer.Option(
        "--indicator", "-i", help="指标编码，可重复；默认全部 / indicator id (repeatable)"
    ),
]
OrgOption = Annotated[
    list[str] | None,
    typer.Option(
        "--org", "-o", help="机构编码，可重复；默认取数据仓库机构表 / org id (repeatable)"
    ),
]


def _catalogue(ids: list[str] | None) -> list:
    from yigai.indicators import catalogue

    cat = catalogue.default()
    return list(cat.select(ids) if ids else cat)


def _orgs(ids: list[str] | None) -> dict[str, str]:
    if ids:
        return {o: "" for o in ids}
    from yigai import settings
    from yigai.records.versions import read_in_force
    from yigai.warehouse.store import Warehouse

    wh = Warehouse(settings.load().warehouse_dir)
    table = read_in_force(wh, "org_units", columns=["org_id", "name"])  # current names
    if table.num_rows == 0:
        raise typer.BadParameter("数据仓库中没有机构，请用 --org 指定 / no org units: pass --org")
    return dict(zip(table["org_id"].to_pylist(), table["name"].to_pylist(), strict=True))


def template(
    output: Annotated[Path, typer.Argument(help="输出的 XLSX 文件 / XLSX to write")],
    period: Annotated[
        list[str], typer.Option("--period", "-p", help="统计周期，可重复 / period id (repeatable)")
    ],
    indicator: IndicatorOption = None,
    org: OrgOption = None,
) -> None:
    """生成上报数据填报模板 / write the reporting template."""
    from yigai.aggregates.template import make_template
    from yigai.console import console

    path = make_template(output, _catalogue(indicator), _orgs(org), period)
    console.print(f"已生成模板 / template written: {path}")


def report_tables(report: ImportReport) -> list[Table]:
    from rich.markup import escape
    from rich.table import Table

    summary = Table(title=f"导入结果：{report.file}", show_header=False)
    summary.add_column("项目")
    summary.add_column("值", justify="right")
    summary.add_row("状态 status", f"{_STATUS_ZH[report.status]} ({report.status})")
    for label, n in (
        ("数据行 rows", report.rows),
        ("新增/更正 stored", report.stored),
        ("未变 unchanged", report.unchanged),
        ("空白 blank", report.blank),
        ("拒收 rejections", len(report.rejections)),
        ("预警 warnings", len(report.warnings)),
    ):
        summary.add_row(label, str(n))
    tables = [summary]
    for title, findings in (
        ("拒收 rejections", report.rejections),
        ("预警 warnings", report.warnings),
    ):
        if not findings:
            continue
        t = Table(title=f"{title}（前 {min(SHOWN, len(findings))} 条，共 {len(findings)} 条）")
        for header in ("行 row", "列 column", "值 value", "原因", "reason"):
            t.add_column(header)
        for f in findings[:SHOWN]:
            # Quoted from the user's file: text, never Rich markup.
            t.add_row(str(f.row), *(escape(v or "") for v in (f.column, f.value, f.zh, f.en)))
        tables.append(t)
    return tables


def import_(
    path: Annotated[Path, typer.Argument(help="XLSX 或 CSV 文件", exists=True, dir_okay=False)],
    indicator: IndicatorOption = None,
    org: OrgOption = None,
    accept_partial: Annotated[
        bool, typer.Option("--accept-partial", help="导入正确的行，报告错误的行 / store good rows")
    ] = False,
    filled_by: Annotated[
        str | None,
        typer.Option(
            "--filled-by",
            help="填报人（按表单记录；审计中的操作人总是本部署的用户 YIGAI_USER）"
            " / who filled the form in (the audit names the deployment's user)",
        ),
    ] = None,
    database_url: DbOption = None,
) -> None:
    """导入上报数据 / import reported values."""
    from yigai.aggregates.importer import check_filled_by, import_file
    from yigai.console import console
    from yigai.store import migrate, session_scope

    try:
        filled_by = check_filled_by(filled_by)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--filled-by") from None
    migrate(database_url)
    with session_scope(database_url) as session:
        report = import_file(
            session,
            path,
            catalogue_ids=_catalogue(indicator),
            org_ids=set(_orgs(org)),
            accept_partial=accept_partial,
            filled_by=filled_by,
        )
    for table in report_tables(report):
        console.print(table)
    if report.status == "rejected":
        raise typer.Exit(code=1)


app.command("template")(template)
app.command("import")(import_)

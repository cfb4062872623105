"""``yigai import``: import a CSV / XLSX / Parquet file into the warehouse (数据导入)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from yigai import settings
from yigai.console import console, progress_bar
from yigai.warehouse.errors import WarehouseError

if TYPE_CHECKING:  # Arrow-backed: imported inside the commands (`yigai --help` stays fast)
    from yigai.warehouse.ingest import IngestReport
    from yigai.warehouse.store import Warehouse

app = typer.Typer(help="数据仓库与导入 / warehouse and ingestion")

SHOWN_REJECTIONS = 20
_STATUS_ZH = {
    "committed": "已导入",
    "rejected": "已拒绝",
    "already_imported": "此前已导入（未重复写入）",
}


def summary(report: IngestReport) -> Table:
    """The Rich summary of one import: counts, then the first rejections."""
    table = Table(title=f"导入结果：{escape(report.file)} → {report.record_set}", show_header=False)
    table.add_column("项目")
    table.add_column("值", justify="right")
    table.add_row("状态 status", f"{_STATUS_ZH[report.status]} ({report.status})")
    table.add_row("读取行数 rows read", str(report.rows_read))
    table.add_row("入库行数 rows stored", str(report.rows_stored))
    table.add_row("问题行数 rows rejected", str(report.rows_rejected))
    table.add_row("批次号 batch", report.batch_id[:16])
    return table


def rejections_table(report: IngestReport, limit: int = SHOWN_REJECTIONS) -> Table:
    table = Table(
        title=f"前 {min(limit, len(report.rejections))} 条问题（共 {len(report.rejections)} 条）"
    )
    for header in ("行号", "列", "值", "原因", "reason"):
        table.add_column(header)
    # Columns, values and reasons quote the user's file: printed as text, never as markup
    # (a cell holding "[/bold]" would otherwise stop the command).
    for r in report.rejections[:limit]:
        table.add_row(
            "" if r.row is None else str(r.row),
            escape(r.column or ""),
            "" if r.value is None else escape(str(r.value)),
            escape(r.zh),
            escape(r.en),
        )
    return table


FORMATS = "formats"


def show_formats(record_set: str | None) -> None:
    """Print the import format of ``record_set`` (Markdown), or the list of record sets."""
    from yigai.records import docs, schemas

    if record_set is None:
        typer.echo(docs.render_index())
        return
    try:
        typer.echo(docs.render(schemas.get(record_set)))
    except KeyError as exc:
        typer.echo(exc.args[0], err=True)
        raise typer.Exit(2) from None


def existing_file(path: Path | None) -> Path:
    """``path`` if it is a file; otherwise a usage error (exit 2), as Typer gives."""
    if path is None:
        raise typer.BadParameter("缺少文件 / a file is required", param_hint="PATH")
    if not path.is_file():
        raise typer.BadParameter(f"文件不存在：{path} / no such file: {path}", param_hint="PATH")
    return path


def import_(
    record_set: Annotated[
        str, typer.Argument(help="记录集，如 encounters；或 formats / record set, or formats")
    ],
    path: Annotated[
        Path | None,
        typer.Argument(
            help="CSV、XLSX 或 Parquet 文件（formats 之后为记录集）/ file (after formats: record set)"
        ),
    ] = None,
    accept_partial: Annotated[
        bool,
        typer.Option("--accept-partial", help="只导入合格行，报告问题行 / store good rows only"),
    ] = False,
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="问题清单输出路径（.csv 或 .xlsx）/ error report"),
    ] = None,
    allow_demo_key: Annotated[
        bool,
        typer.Option(
            "--allow-demo-key",
            help="允许用公开的演示密钥导入非演示仓库（不安全）/ allow the public demo key",
        ),
    ] = False,
) -> None:
    """导入数据文件到仓库 / import a data file into the warehouse.

    yigai import formats [记录集]：打印导入格式（列、中文表头、代码、示例）/ print the import
    format of a record set (columns, Chinese headers, codes, an example)."""
    if record_set == FORMATS:
        show_formats(None if path is None else str(path))
        return
    from yigai.records import schemas
    from yigai.warehouse.ingest import ingest_file
    from yigai.warehouse.store import Warehouse

    path = existing_file(path)
    try:
        schemas.get(record_set)
    except KeyError as exc:
        console.print(f"[red]{escape(exc.args[0])}[/red]")
        raise typer.Exit(2) from None
    conf = settings.load()
    try:
        with progress_bar() as bar:
            report = ingest_file(
                Warehouse(conf.warehouse_dir),
                record_set,
                path,
                accept_partial=accept_partial,
                key=conf.pseudonym_key,
                allow_demo_key=allow_demo_key,
                progress=bar,
            )
    except WarehouseError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    console.print(summary(report))
    if report.rejections:
        console.print(rejections_table(report))
    if errors is not None and report.rejections:
        try:
            report.write(errors)
        except OSError as exc:
            console.print(
                f"[red]无法写入问题清单 {escape(str(errors))}：{escape(exc.strerror or str(exc))} / "
                f"cannot write the error report {escape(str(errors))}[/red]"
            )
            raise typer.Exit(1) from None
        console.print(f"问题清单已写入 / error report written: {escape(str(errors))}")
    if report.status == "rejected":
        raise typer.Exit(1)


def _warehouse() -> Warehouse:
    """The deployment's warehouse, or exit 1 saying why it cannot be opened (a lost access
    list, say)."""
    from yigai.warehouse.store import Warehouse

    try:
        return Warehouse(settings.load().warehouse_dir)
    except WarehouseError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None


def batches(
    record_set: Annotated[
        str | None, typer.Argument(help="只列出该记录集 / only this record set")
    ] = None,
) -> None:
    """列出已提交的批次 / list committed batches."""
    wh = _warehouse()
    table = Table(title=f"已提交批次 / committed batches: {wh.root}")
    for header in (
        "序号 seq",
        "记录集 record set",
        "行数 rows",
        "来源 source",
        "提交时间 committed",
        "批次号 batch",
    ):
        table.add_column(header)
    for b in wh.batches(record_set):
        table.add_row(
            str(b.seq), b.record_set, str(b.rows), b.source, b.committed_at.isoformat(), b.id[:16]
        )
    console.print(table)


def vacuum() -> None:
    """删除未提交批次留下的孤立文件 / delete orphan files of uncommitted batches."""
    from yigai.warehouse.store import Warehouse

    try:
        removed = Warehouse(settings.load().warehouse_dir).vacuum()
    except WarehouseError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已删除 {len(removed)} 个孤立文件 / removed {len(removed)} orphan files")


def migrate() -> None:
    """把旧格式仓库转为 Delta Lake 表，并为旧数据补上人员整数键 / convert an old warehouse to
    Delta tables and give rows stored before person keys their keys."""
    from yigai.warehouse.migrate import migrate as run

    try:
        done = run(settings.load().warehouse_dir)
    except WarehouseError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"已转换 {done.converted} 个批次，{done.skipped} 个此前已转换；"
        f"{done.keyed} 个数据文件补上人员整数键 / "
        f"converted {done.converted} batches, {done.skipped} already converted; "
        f"{done.keyed} data files given person keys"
    )


def snapshot() -> None:
    """打印各表当前版本（JSON，可用于按版本重现报告）/ print every table's current version."""
    import json

    typer.echo(json.dumps(_warehouse().snapshot().to_json(), ensure_ascii=False))


def grant(
    user: Annotated[str, typer.Argument(help="用户名（与 YIGAI_USER 一致）/ user name")],
    orgs: Annotated[
        list[str], typer.Argument(help="授权的机构编码，* 为全部 / org unit ids, * for all")
    ],
) -> None:
    """授权用户访问所辖机构的个人数据（仅管理员）/ grant a user their org units' personal data."""
    from yigai import access
    from yigai.warehouse.store import Warehouse

    root = settings.load().warehouse_dir
    try:
        wh = Warehouse(root)
        known = set(wh.read("org_units", columns=["org_id"])["org_id"].to_pylist())
        g = access.grant(wh.root, user, orgs, known)
    except WarehouseError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已授权 / granted: {g.user} → {', '.join(g.orgs)}（{g.granted_by}）")


def revoke(user: Annotated[str, typer.Argument(help="用户名 / user name")]) -> None:
    """撤销用户的授权（仅管理员）/ withdraw a user's grant."""
    from yigai import access
    from yigai.warehouse.store import Warehouse

    try:
        access.revoke(Warehouse(settings.load().warehouse_dir).root, user)
    except WarehouseError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已撤销 / revoked: {user}")


def users() -> None:
    """列出授权名单 / list who may read which org units' personal data."""
    from yigai import access

    wh = _warehouse()
    table = Table(title=f"授权名单 / access list: {wh.root}")
    for header in ("用户 user", "机构 org units", "授权人 granted by", "授权时间 granted at"):
        table.add_column(header)
    for g in access.grants(wh.root).values():
        table.add_row(g.user, ", ".join(g.orgs), g.granted_by, g.granted_at)
    console.print(table)


@app.callback()
def _group() -> None:
    """数据仓库与导入 / warehouse and ingestion."""


app.command("import")(import_)
app.command("batches")(batches)
app.command("vacuum")(vacuum)
app.command("migrate")(migrate)
app.command("snapshot")(snapshot)
app.command("grant")(grant)
app.command("revoke")(revoke)
app.command("users")(users)

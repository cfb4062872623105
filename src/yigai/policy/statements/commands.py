"""``yigai statements``: list, show, compare and export stored settlement statements (结算单).

Statements are written by ``yigai settle`` (:func:`yigai.policy.statements.store.write_statements`);
these commands only read them. Heavy modules are imported inside each command so that
``yigai --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from yigai.policy.statements.store import LineChange, StoredStatement

app = typer.Typer(
    help="结算单：列出、查看、比较、导出 / settlement statements: list, show, compare, export"
)

StatementId = Annotated[str, typer.Argument(help="结算单编号（见 list）/ statement id (see list)")]
Version = Annotated[
    int | None, typer.Option("--version", help="版本（默认最新）/ version (default: latest)")
]


def _warehouse():  # type: ignore[no-untyped-def]
    from yigai.warehouse.commands import _warehouse as open_warehouse

    return open_warehouse()


def _read(statement_id: str, version: int | None) -> StoredStatement:
    from yigai.console import console
    from yigai.policy.statements.store import StatementError, read_statement

    try:
        return read_statement(_warehouse(), statement_id, version)
    except StatementError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


def list_(
    year: Annotated[int | None, typer.Option(help="医保年度 / insurance year")] = None,
    region: Annotated[str | None, typer.Option(help="统筹区 / region")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="类型 / kind: institution_month, institution_year, community_year, region_year"
        ),
    ] = None,
    subject: Annotated[
        str | None, typer.Option(help="结算对象（机构或医共体编码）/ institution or community id")
    ] = None,
) -> None:
    """列出已存储的结算单（每张最新版本） / list stored statements (latest version of each)."""
    from rich.table import Table

    from yigai.console import console
    from yigai.policy.statements.export import title
    from yigai.policy.statements.store import StatementError, list_statements

    try:
        found = list_statements(
            _warehouse(),
            region=region,
            year=year,
            kind=kind,
            subjects=None if subject is None else {subject},
        )
    except StatementError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    if not found:
        console.print("没有结算单（先运行 yigai settle）/ no statements (run yigai settle first)")
        return
    table = Table(title=f"结算单 {len(found):,} 张 / {len(found):,} statements")
    table.add_column("编号 / id", no_wrap=True)  # copied into show / export: never folded
    for header in ("结算单 / statement", "版本 / version", "示范参数 / demo"):
        table.add_column(header, overflow="fold")
    for s in found:
        versions = ",".join(str(v) for v in s.versions)
        table.add_row(
            s.statement.statement_id,
            title(s),
            f"{s.version} ({versions})",
            "是 / yes" if s.demo else "",
        )
    console.print(table)


def _changes_table(changes: list[LineChange], old: int, new: int):  # type: ignore[no-untyped-def]
    from rich.table import Table

    from yigai.policy.commands import yuan

    table = Table(title=f"第 {old} 版 → 第 {new} 版的变化 / changes from version {old} to {new}")
    for header in ("项目 / item", f"v{old}", f"v{new}", "差额 / change"):
        table.add_column(header, justify="left" if header.startswith("项目") else "right")

    def shown(amount: int | None, value: str | None) -> str:
        return yuan(amount) if amount is not None else (value or "—")

    for c in changes:
        delta = "" if c.delta_fen is None else yuan(c.delta_fen)
        table.add_row(
            c.label,
            shown(c.old_amount_fen, c.old_value),
            shown(c.new_amount_fen, c.new_value),
            delta,
        )
    return table


def show(
    statement_id: StatementId,
    version: Version = None,
    against: Annotated[
        int | None, typer.Option(help="与该版本比较 / compare with this version")
    ] = None,
) -> None:
    """显示一张结算单及其来源参数与输入批次 / show a statement and what it came from."""
    from rich.table import Table

    from yigai.console import console
    from yigai.policy.commands import yuan
    from yigai.policy.statements.export import demo_text, title
    from yigai.policy.statements.store import diff_statements

    s = _read(statement_id, version)
    console.print(f"[bold]{title(s)}[/bold]  {s.statement.statement_id} v{s.version}")
    if s.demo:
        console.print(f"[bold yellow]{demo_text(s)}[/bold yellow]")
    table = Table()
    table.add_column("项目 / item")
    table.add_column("金额（元）/ yuan", justify="right")
    table.add_column("数值 / value", justify="right")
    for ln in s.statement.lines:
        table.add_row(
            ln.label, "" if ln.amount_fen is None else yuan(ln.amount_fen), ln.value or ""
        )
    console.print(table)
    console.print(
        f"输入指纹 / inputs fingerprint {s.inputs_fingerprint[:16]}…；结算批次 / batch {s.settle_batch}"
    )
    for name, p in sorted(s.inputs.get("parameters", {}).items()):
        console.print(f"  {name} = {p['value']} {p.get('unit', '')}  （{p['reference']}）")
    if against is not None:
        old = _read(statement_id, against)
        console.print(_changes_table(diff_statements(old, s), old.version, s.version))


def diff(statement_id: StatementId, old: int, new: int | None = None) -> None:
    """比较一张结算单的两个版本 / compare two versions of a statement."""
    from yigai.console import console
    from yigai.policy.statements.store import diff_statements

    a, b = _read(statement_id, old), _read(statement_id, new)
    changes = diff_statements(a, b)
    if not changes:
        console.print(f"两版相同 / versions {a.version} and {b.version} are the same")
        return
    console.print(_changes_table(changes, a.version, b.version))


def export(
    statement_id: StatementId,
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件 .xlsx 或 .pdf / file")],
    version: Version = None,
) -> None:
    """导出结算单（XLSX 或 PDF 结算单）/ export a statement as XLSX or PDF."""
    from yigai.console import console
    from yigai.policy.statements.export import export_statement

    s = _read(statement_id, version)
    try:
        path = export_statement(s, output)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已写出 / written: {path}")


app.command("list")(list_)
app.command("show")(show)
app.command("diff")(diff)
app.command("export")(export)

"""``yigai targets``: load a county's own target file, list the targets that judge a unit.

Light at import (the CLI start-up rule): the catalogue and targets load inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="目标值：载入与查看 / targets: load and list")


def _fail(message: str) -> typer.Exit:
    from rich.markup import escape

    from yigai.console import console

    console.print(f"[red]{escape(message)}[/red]")
    return typer.Exit(1)


def load(
    file: Annotated[Path, typer.Argument(help="目标文件 YAML / a target file")],
) -> None:
    """载入本地目标文件（检查后保存到 $YIGAI_HOME/targets/，由部署配置指定适用机构） / load a
    county's own target file (checked, kept under $YIGAI_HOME/targets/)."""
    from yigai import settings
    from yigai.console import console
    from yigai.indicators import targets
    from yigai.indicators.catalogue import CatalogueError

    if not file.is_file():
        raise _fail(f"{file}：文件不存在 / {file}: no such file")
    try:
        set_id, count = targets.install(file, settings.load().home)
    except CatalogueError as exc:
        raise _fail(str(exc)) from None
    console.print(
        f"目标集 {set_id}：{count} 项目标已载入；在部署配置的 targets 中写明 {set_id} 以适用 / "
        f"target set {set_id}: {count} targets loaded; name it in the deployment's targets"
    )


def list_(
    unit: Annotated[str, typer.Option("--unit", help="机构编码 / org id")] = "*",
) -> None:
    """列出部署配置下适用于某机构的目标 / list the targets governing a unit."""
    from rich.table import Table

    from yigai.console import console
    from yigai.indicators import targets

    found = targets.default() if unit == "*" else targets.for_unit(unit)
    table = Table(title=f"适用目标 / targets governing {unit}")
    for header in ("目标集 set", "指标 indicator", "范围 scope", "目标 value", "时限 deadline"):
        table.add_column(header)
    for t in found:
        table.add_row(t.set_id, t.indicator, t.scope, f"{t.comparison} {t.value}", str(t.deadline))
    console.print(table)


app.command("load")(load)
app.command("list")(list_)

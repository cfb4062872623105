"""``yigai deployment``: check and show the deployment configuration (部署配置)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="部署配置：检查与查看 / deployment configuration: check and show")


def show(
    file: Annotated[
        Path | None, typer.Argument(help="部署文件，默认当前部署 / file (default: active)")
    ] = None,
) -> None:
    """检查并显示部署配置：各机构适用的方案、目标与医保规则 / check and show a deployment."""
    from rich.markup import escape

    from yigai import deployment, settings
    from yigai.console import console

    try:
        home = settings.load().home
        dep = deployment.active(home) if file is None else deployment.load(file, home)
    except deployment.DeploymentError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    console.print(f"{dep.path}：有效 / valid")
    for line in dep.notes_zh():
        console.print(escape(line))


app.command("show")(show)

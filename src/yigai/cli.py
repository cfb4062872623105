"""Command line (命令行): a thin shell over the library; every command calls a library function.

Commands live beside their packages (``yigai/<package>/commands.py``); this module only
assembles them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from yigai import settings as settings_mod

# Each command's module is imported only when that command runs (or its own --help is asked
# for): `yigai --help` must start in well under a second, and the command modules pull in
# pandas, Arrow, DuckDB, Ibis, SQLAlchemy. The one-line help shown in the list is kept here;
# tests/test_cli_startup.py checks it equals the first paragraph of the command's own help.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "synth": (
        "yigai.synth.commands:synth",
        "生成合成区域并导入数据仓库 / generate a synthetic region into the warehouse.",
    ),
    "import": (
        "yigai.warehouse.commands:import_",
        "导入数据文件到仓库 / import a data file into the warehouse.",
    ),
    "settle": (
        "yigai.policy.commands:settle",
        "结算一个医保年度：理赔、DIP、人头付费、医共体总额预算 / settle one insurance year.",
    ),
    "whatif": (
        "yigai.policy.whatif.commands:whatif",
        "政策测算：按修改后的参数在内存中重新结算一个年度，与已存储的结算对比 / what-if: "
        "re-settle a year under changed parameters and compare with the stored settlement.",
    ),
    "statements": (
        "yigai.policy.statements.commands:app",
        "结算单：列出、查看、比较、导出 / settlement statements: list, show, compare, export",
    ),
    "assess": (
        "yigai.assess.commands:assess",
        "按考核方案对一个周期开展考核；手工评分取自业务数据库（--manual 先录入） / "
        "Assess one period with a scheme; manual scores come from the store "
        "(--manual enters them first).",
    ),
    "report": (
        "yigai.reports.commands:report",
        "从平台数据写出月度进展报告或季度通报（DOCX、PDF、XLSX、HTML） / "
        "write the report from the platform's data.",
    ),
    "warehouse": ("yigai.warehouse.commands:app", "数据仓库与导入 / warehouse and ingestion"),
    "aggregates": (
        "yigai.aggregates.commands:app",
        "上报数据：模板与导入 / reported aggregate values: template and import",
    ),
    "indicators": ("yigai.indicators.commands:app", "监测指标 / monitoring indicators"),
    "tasks": (
        "yigai.reform.commands:app",
        "医改重点任务：载入、进展、逾期 / reform tasks: load, progress, overdue",
    ),
    "targets": (
        "yigai.deployment.targets_commands:app",
        "目标值：载入与查看 / targets: load and list",
    ),
    "deployment": (
        "yigai.deployment.commands:app",
        "部署配置：检查与查看 / deployment configuration: check and show",
    ),
}


def _load(target: str) -> object:
    from importlib import import_module

    module, attr = target.split(":")
    return getattr(import_module(module), attr)


class LazyGroup(TyperGroup):
    """The top-level group: the commands of :data:`LAZY_COMMANDS` are listed from their
    one-line help and built from their module on first use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        for name, (_, short) in LAZY_COMMANDS.items():
            self.commands.setdefault(name, _Listed(name, help=short, short_help=short))

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        if self._listing or cmd_name not in LAZY_COMMANDS:
            return super().get_command(ctx, cmd_name)
        cmd = self.commands.get(cmd_name)
        if isinstance(cmd, _Listed):
            cmd = self.commands[cmd_name] = build_command(cmd_name)
        return cmd


class _Listed(TyperCommand):
    """A command known by name and one-line help only, until it is used."""


def build_command(name: str) -> Any:
    """The real click command of one entry of :data:`LAZY_COMMANDS` (imports its module)."""
    obj = _load(LAZY_COMMANDS[name][0])
    holder = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False)
    if isinstance(obj, typer.Typer):
        holder.add_typer(obj, name=name)
        group = typer.main.get_command(holder)
        return group.commands[name]  # type: ignore[attr-defined]
    holder.command(name)(obj)  # type: ignore[arg-type]
    return typer.main.get_command(holder)


app = typer.Typer(
    cls=LazyGroup,
    name="yigai",
    help="医改：县域医共体运行、医保结算与改革监测 / county health reform platform",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _home(home: Path | None) -> settings_mod.Settings:
    if home is not None:
        os.environ["YIGAI_HOME"] = str(home)
    return settings_mod.load()


@app.command()
def demo(
    residents: int = typer.Option(20_000, help="合成县居民数 / residents of the synthetic county"),
    years: str = typer.Option("2024-2025", help="年份范围 / years, e.g. 2024-2025"),
    seed: int = typer.Option(2025, help="随机种子 / seed"),
    home: Path | None = typer.Option(None, help="数据目录 / data folder (default ./var)"),
) -> None:
    """主任务：合成示范县，计算指标，打印与目标对照，写出摘要 / the main job."""
    from yigai import demo as demo_mod
    from yigai.synth.config import parse_years

    demo_mod.run(_home(home), residents=residents, years=parse_years(years), seed=seed)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址 / address to listen on"),
    port: int = typer.Option(8000, min=1, max=65535, help="端口 / port"),
    residents: int = typer.Option(20_000, help="示范县居民数 / residents of the demo county"),
    years: str = typer.Option("2024-2025", help="示范县年份 / years of the demo county"),
    seed: int = typer.Option(2025, help="随机种子 / seed"),
    home: Path | None = typer.Option(None, help="数据目录 / data folder (default ./var)"),
) -> None:
    """业务服务：示范县与每个角色的演示账户，打印地址与登录信息 / run the community service."""
    from yigai.service import serve as serve_mod
    from yigai.synth.config import parse_years

    serve_mod.run(
        _home(home), host=host, port=port, residents=residents, years=parse_years(years), seed=seed
    )


# A user's mistake found deep in a command ends with its message and exit code 1, not a
# traceback: these are the error classes that mean that. Looked up only among the modules
# already imported (an exception of a module never imported cannot have been raised), so
# start-up imports none of them.
USER_ERRORS = (
    "yigai.warehouse.errors:WarehouseError",
    "yigai.reports.fonts:FontMissingError",
    "yigai.assess.assessment:AssessmentError",
    "yigai.assess.model:SchemeError",
    "yigai.periods:PeriodError",
    "yigai.deployment.config:DeploymentError",
    "yigai.reform.plan:PlanError",
    "yigai.reform.tasks:TaskError",
)
HIERARCHY_ERROR = "yigai.orgs.hierarchy:HierarchyError"


def _raised(exc: BaseException, target: str) -> bool:
    module, attr = target.split(":")
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(exc, getattr(loaded, attr))


def main() -> None:
    """The ``yigai`` entry point: a warehouse refusal (no grant, a held lock, a corrupt log)
    or missing CJK fonts end with the Chinese and English message and exit code 1, not a
    traceback; so do a user's mistakes found deep in a command (an assessment period of the
    wrong grain, an org hierarchy stored broken by an older version)."""
    try:
        app()
    except Exception as exc:
        hierarchy = _raised(exc, HIERARCHY_ERROR)
        if not hierarchy and not any(_raised(exc, t) for t in USER_ERRORS):
            raise
        from rich.markup import escape

        from yigai.console import console

        # Messages quote user data: printed as text, never as Rich markup.
        console.print(f"[red]{escape(str(exc))}[/red]")
        if hierarchy:
            console.print(
                "请修正组织机构表（org_units）或医共体成员表（community_members）后重新导入 / "
                "correct org_units or community_members and import them again"
            )
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()

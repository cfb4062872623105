"""Command line (命令行): a thin shell over the library; every command calls a library function.

Commands live beside their packages (``yigai/<package>/commands.py``); this module only
assembles them.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from yigai import settings as settings_mod

app = typer.Typer(
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


from yigai.aggregates.commands import app as aggregates_app  # noqa: E402
from yigai.assess.commands import assess as assess_command  # noqa: E402
from yigai.indicators.commands import app as indicators_app  # noqa: E402
from yigai.policy.commands import settle as settle_command  # noqa: E402
from yigai.reform.commands import app as tasks_app  # noqa: E402
from yigai.reports.commands import report as report_command  # noqa: E402
from yigai.synth.commands import synth as synth_command  # noqa: E402
from yigai.warehouse.commands import app as warehouse_app  # noqa: E402
from yigai.warehouse.commands import import_ as import_command  # noqa: E402

app.command("synth")(synth_command)
app.command("import")(import_command)
app.command("settle")(settle_command)
app.command("assess")(assess_command)
app.command("report")(report_command)
app.add_typer(warehouse_app, name="warehouse")
app.add_typer(aggregates_app, name="aggregates")
app.add_typer(indicators_app, name="indicators")
app.add_typer(tasks_app, name="tasks")



def main() -> None:
    """The ``yigai`` entry point: a warehouse refusal (no grant, a held lock, a corrupt log)
    or missing CJK fonts end with the Chinese and English message and exit code 1, not a
    traceback; so do a user's mistakes found deep in a command (an assessment period of the
    wrong grain, an org hierarchy stored broken by an older version)."""
    from rich.markup import escape

    from yigai.assess.assessment import AssessmentError
    from yigai.assess.model import SchemeError
    from yigai.console import console
    from yigai.orgs.hierarchy import HierarchyError
    from yigai.periods import PeriodError
    from yigai.reports.fonts import FontMissingError
    from yigai.warehouse.errors import WarehouseError

    try:
        app()
    except HierarchyError as exc:
        # Messages quote user data: printed as text, never as Rich markup.
        console.print(f"[red]{escape(str(exc))}[/red]")
        console.print(
            "请修正组织机构表（org_units）或医共体成员表（community_members）后重新导入 / "
            "correct org_units or community_members and import them again"
        )
        raise SystemExit(1) from None
    except (
        WarehouseError,
        FontMissingError,
        AssessmentError,
        SchemeError,
        PeriodError,
    ) as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()

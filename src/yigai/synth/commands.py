"""``yigai synth``: generate a synthetic region into the warehouse (生成合成区域)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from yigai.synth.config import SynthSummary

app = typer.Typer(help="合成数据 / synthetic data")

_ZH = {
    "org_units": "组织机构",
    "community_members": "医共体成员单位",
    "staff": "卫生人员",
    "resources": "机构资源登记",
    "residents": "居民",
    "chronic_cases": "慢病管理档案",
    "contracts": "家庭医生签约",
    "encounters": "就诊记录",
    "referrals": "双向转诊",
    "followups": "慢病随访",
    "health_checkups": "健康体检",
    "drug_purchases": "药品网上集中采购",
}


def summary_table(summary: SynthSummary) -> Table:
    from rich.table import Table

    c = summary.config
    table = Table(
        title=(
            f"合成区域：{c.cities} 市 × {c.counties_per_city} 县，"
            f"{c.years[0]}–{c.years[-1]} 年，种子 {c.seed} / synthetic region"
        )
    )
    table.add_column("记录集 / record set")
    table.add_column("行数 / rows", justify="right")
    for name, rows in summary.rows.items():
        table.add_row(f"{_ZH.get(name, name)} {name}", f"{rows:,}")
    return table


def synth(
    residents: Annotated[int, typer.Option(help="每县居民数 / residents per county")] = 5000,
    cities: Annotated[int, typer.Option(help="市的数量 / number of cities")] = 1,
    counties: Annotated[int, typer.Option(help="每市县数 / counties per city")] = 1,
    years: Annotated[str, typer.Option(help="年份范围 / years, e.g. 2024-2025")] = "2024-2025",
    seed: Annotated[int, typer.Option(help="随机种子 / seed")] = 2025,
    home: Annotated[
        Path | None, typer.Option(help="数据目录 / data folder (default ./var)")
    ] = None,
) -> None:
    """生成合成区域并导入数据仓库 / generate a synthetic region into the warehouse."""
    from yigai import settings as settings_mod
    from yigai.console import console, progress_bar
    from yigai.synth.config import SynthConfig, SynthError, parse_years
    from yigai.synth.generate import generate
    from yigai.warehouse import Warehouse

    if home is not None:
        os.environ["YIGAI_HOME"] = str(home)
    conf = settings_mod.load()
    try:
        config = SynthConfig(
            cities=cities,
            counties_per_city=counties,
            residents_per_county=residents,
            years=parse_years(years),
            seed=seed,
        )
        with progress_bar() as bar:
            summary = generate(
                Warehouse(conf.warehouse_dir), config, key=conf.pseudonym_key, progress=bar
            )
    except SynthError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    console.print(summary_table(summary))


app.command("synth")(synth)

"""``yigai whatif``: re-settle a year in memory under changed parameters and compare.

Heavy modules (Arrow, pandas, the settlement) are imported inside the command, so that
``yigai --help`` stays fast.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from yigai import settings as settings_mod
from yigai.console import console


def whatif(
    year: Annotated[int, typer.Option(help="医保年度 / insurance year")],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="修改一个参数：路径=值，可重复（例 inpatient.ratio.township=0.90） / "
            "change one parameter: path=value, repeatable",
        ),
    ] = None,
    reform: Annotated[
        Path | None,
        typer.Option(help="方案文件（YAML：name、set） / reform file (YAML: name, set)"),
    ] = None,
    shift: Annotated[
        list[str] | None,
        typer.Option(
            help="就医流向情景：就诊类型:原级别->新级别=比例，可重复"
            "（例 inpatient:city->county=0.10） / care-seeking shift: "
            "care_type:source->target=share, repeatable",
        ),
    ] = None,
    region: Annotated[
        str, typer.Option(help="待遇方案地区 / scheme region (parameter folder)")
    ] = "hebei_wuji",
    xlsx: Annotated[
        Path | None,
        typer.Option(help="XLSX 输出路径 / XLSX output (default <home>/out/whatif-<year>.xlsx)"),
    ] = None,
    home: Annotated[
        Path | None, typer.Option(help="数据目录 / data folder (default $YIGAI_HOME or ./var)")
    ] = None,
) -> None:
    """政策测算：按修改后的参数在内存中重新结算一个年度，与已存储的结算对比 / what-if: re-settle a year under changed parameters and compare with the stored settlement.

    基线、方案与差额按级别、机构和医共体并列（基金支出、个人负担、实际报销比、大病保险、
    医疗救助、DIP 点值、医共体预算结余、县域内就诊率、基层就诊率），打印并写出 XLSX；不写入
    数据仓库 / baseline, reform and difference by level, institution and community, printed
    and written to an XLSX; nothing is written to the warehouse.
    """
    from yigai.params import ParameterError
    from yigai.policy.whatif.reform import ReformError, reform_from
    from yigai.policy.whatif.report import print_whatif, write_xlsx
    from yigai.policy.whatif.resettle import whatif as run_whatif
    from yigai.policy.whatif.scenario import parse_shift
    from yigai.warehouse import Warehouse
    from yigai.warehouse.errors import WarehouseError

    conf = settings_mod.load()
    if home is not None:
        conf = dataclasses.replace(conf, home=home.resolve())
    if not conf.warehouse_dir.is_dir():
        console.print(
            f"[red]数据仓库不存在：{conf.warehouse_dir} / no warehouse at {conf.warehouse_dir}[/red]"
        )
        raise typer.Exit(1)
    try:
        changes = reform_from(region, year, list(set_ or ()), reform)
        shifts = [parse_shift(s) for s in shift or ()]
        result = run_whatif(Warehouse(conf.warehouse_dir), year, region, changes, shifts)
    except (ReformError, ParameterError, ValueError, WarehouseError) as exc:
        console.print(str(exc), style="red", markup=False)
        raise typer.Exit(1) from None
    print_whatif(result)
    path = write_xlsx(result, xlsx or conf.output_dir / f"whatif-{year}.xlsx")
    console.print(f"已写出 / written: {path}")

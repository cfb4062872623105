"""The report of a unit and period from the platform's stored inputs: one entry point for
``yigai report`` and the web pages' downloads, so both write the same files.

:func:`assemble` reads the warehouse and the operational store (reported values, tasks,
manual scores) into a :class:`ReportData`; :func:`write` lays it out as DOCX, PDF, XLSX and
HTML. They are separate so a caller can warn about provisional scores (the CLI) or cache
the files (the web) between the two.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from yigai.periods import Period
from yigai.reports.bulletin import write_quarterly_bulletin
from yigai.reports.model import ReportData
from yigai.reports.monthly import write_monthly_report

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from yigai.console import ProgressFn
    from yigai.warehouse import Warehouse

Writer = Callable[[ReportData, Path, "ProgressFn | None"], dict[str, Path]]

WRITERS: dict[str, Writer] = {
    "bulletin": write_quarterly_bulletin,
    "monthly": write_monthly_report,
}


def chosen_kind(period: Period, kind: str | None = None) -> str:
    """The product asked for, or the one the period implies (month → monthly report,
    quarter → bulletin); a kind that does not fit the period is refused (AssembleError)."""
    from yigai.reports.assemble import check_kind, kind_for

    chosen = kind or kind_for(period)
    check_kind(period, chosen)
    return chosen


def assemble(
    wh: Warehouse,
    session: Session | None,
    period: Period,
    *,
    kind: str | None = None,
    region_id: str | None = None,
    document_number: str | None = None,
) -> ReportData:
    """The report data of ``region_id`` (default: the first county) for ``period``, read
    from the warehouse and the store as every command reads them."""
    # Imported here: the indicator engine is not needed to import this module.
    from yigai.reports.assemble import report_data

    chosen = chosen_kind(period, kind)
    # report_data reads one snapshot of the warehouse and records its versions in the report
    return report_data(
        wh=wh,
        session=session,
        period=period,
        region_id=region_id or first_county(wh),
        kind="monthly" if chosen == "monthly" else "bulletin",
        document_number=document_number,
    )


def write(
    data: ReportData, kind: str, out_dir: Path, progress: ProgressFn | None = None
) -> dict[str, Path]:
    """Write the report as DOCX, PDF, XLSX and HTML into ``out_dir`` (paths by format)."""
    return WRITERS[kind](data, out_dir, progress)


def first_county(wh: Warehouse) -> str:
    """The first county (by org id) of the warehouse's org register."""
    from yigai.orgs.hierarchy import org_info
    from yigai.reports.assemble import AssembleError

    info = org_info(wh.read("org_units")).values()
    counties = sorted(u.org_id for u in info if u.kind == "county")
    if not counties:
        raise AssembleError(
            f"数据仓库 {wh.root} 中没有县级单位，请先运行 yigai demo 或导入机构表 / "
            f"the warehouse at {wh.root} holds no county: run `yigai demo` or import org_units"
        )
    return counties[0]

"""月度进展报告: the monthly progress report on key reform tasks and indicators.

Seed 001 (辽宁省医改工作汇报): "建立了医改重点任务进展情况月报告和季通报制度".
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from yigai.reports.model import ReportData
from yigai.reports.render import write_report
from yigai.reports.sections import ReportKind

if TYPE_CHECKING:
    from yigai.console import ProgressFn


def write_monthly_report(
    data: ReportData, out_dir: Path, progress: ProgressFn | None = None
) -> dict[str, Path]:
    """Write the monthly report of ``data.period`` (a month) as DOCX, PDF, XLSX and HTML."""
    return write_report(data, out_dir, ReportKind.MONTHLY, progress)

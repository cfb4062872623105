"""季度通报: the quarterly bulletin of monitoring and assessment results, naming the units
commended and criticised.

Seed 001 (辽宁省医改工作汇报): "建立了医改重点任务进展情况月报告和季通报制度"; seed 003:
the top three commended, the last criticised and given a deadline.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from yigai.reports.model import ReportData
from yigai.reports.render import write_report
from yigai.reports.sections import ReportKind

if TYPE_CHECKING:
    from yigai.console import ProgressFn


def write_quarterly_bulletin(
    data: ReportData, out_dir: Path, progress: ProgressFn | None = None
) -> dict[str, Path]:
    """Write the bulletin of ``data.period`` (a quarter) as DOCX, PDF, XLSX and HTML."""
    return write_report(data, out_dir, ReportKind.QUARTERLY, progress)

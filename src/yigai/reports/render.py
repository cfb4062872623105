"""Write one built report in every format (DOCX, PDF, XLSX, HTML) plus its chart PNGs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from yigai.reports.model import ReportData
from yigai.reports.sections import Report, ReportKind, build

if TYPE_CHECKING:
    from yigai.console import ProgressFn

#: One bar for the whole report (the console keys its bars by description).
PROGRESS_LABEL = "写出报告文件 writing the report files"


def write_report(
    data: ReportData, out_dir: Path, kind: ReportKind, progress: ProgressFn | None = None
) -> dict[str, Path]:
    """Build the report and write ``<stem>.docx/.pdf/.xlsx/.html`` into ``out_dir``.

    Charts go to ``out_dir/charts/`` (the HTML refers to them there). Returns the four
    document paths keyed ``docx``, ``pdf``, ``xlsx``, ``html``. ``progress`` is told of each
    file written (:data:`PROGRESS_LABEL`, done, total): the PDF alone takes seconds.
    """
    # Writers are imported here: matplotlib, python-docx, openpyxl and WeasyPrint take seconds
    # to import, which `import yigai.reports` (and the CLI) should not pay.
    from yigai.reports.charts import bar_by_unit, trend_by_month
    from yigai.reports.docx_writer import write_docx
    from yigai.reports.fonts import print_fonts
    from yigai.reports.html_writer import write_html
    from yigai.reports.pdf_writer import write_pdf
    from yigai.reports.xlsx_writer import write_xlsx

    out_dir = Path(out_dir)
    print_fonts()  # a missing font or a wrong 仿宋 setting stops before any file is written
    report: Report = build(data, kind)
    stem = f"{kind.value}_{data.region.id}_{data.period.id}"
    charts = out_dir / "charts"
    writers = {"docx": write_docx, "pdf": write_pdf, "xlsx": write_xlsx, "html": write_html}
    step = progress or (lambda description, done, total: None)
    total = len(writers) + 1
    step(PROGRESS_LABEL, 0, total)
    report.charts = {
        "bar": bar_by_unit(report, charts / f"{stem}_by_unit.png"),
        "trend": trend_by_month(report, charts / f"{stem}_trend.png"),
    }
    step(PROGRESS_LABEL, 1, total)
    files = {}
    for done, (fmt, write) in enumerate(writers.items(), start=2):
        files[fmt] = write(report, out_dir / f"{stem}.{fmt}")
        step(PROGRESS_LABEL, done, total)
    return files

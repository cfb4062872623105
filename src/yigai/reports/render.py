"""Write one built report in every format (DOCX, PDF, XLSX, HTML) plus its chart PNGs."""

from __future__ import annotations

from pathlib import Path

from yigai.reports.model import ReportData
from yigai.reports.sections import Report, ReportKind, build


def write_report(data: ReportData, out_dir: Path, kind: ReportKind) -> dict[str, Path]:
    """Build the report and write ``<stem>.docx/.pdf/.xlsx/.html`` into ``out_dir``.

    Charts go to ``out_dir/charts/`` (the HTML refers to them there). Returns the four
    document paths keyed ``docx``, ``pdf``, ``xlsx``, ``html``.
    """
    # Writers are imported here: matplotlib, python-docx, openpyxl and WeasyPrint take seconds
    # to import, which `import yigai.reports` (and the CLI) should not pay.
    from yigai.reports.charts import bar_by_unit, trend_by_month
    from yigai.reports.docx_writer import write_docx
    from yigai.reports.html_writer import write_html
    from yigai.reports.pdf_writer import write_pdf
    from yigai.reports.xlsx_writer import write_xlsx

    out_dir = Path(out_dir)
    report: Report = build(data, kind)
    stem = f"{kind.value}_{data.region.id}_{data.period.id}"
    charts = out_dir / "charts"
    report.charts = {
        "bar": bar_by_unit(report, charts / f"{stem}_by_unit.png"),
        "trend": trend_by_month(report, charts / f"{stem}_trend.png"),
    }
    return {
        "docx": write_docx(report, out_dir / f"{stem}.docx"),
        "pdf": write_pdf(report, out_dir / f"{stem}.pdf"),
        "xlsx": write_xlsx(report, out_dir / f"{stem}.xlsx"),
        "html": write_html(report, out_dir / f"{stem}.html"),
    }

"""PDF rendering (PDF版) through WeasyPrint from the same HTML as :mod:`html_writer`.

CJK faces are the files the project's set-up ships (:mod:`yigai.reports.fonts`), loaded by
``@font-face`` rules in the print CSS and embedded (subset) in the PDF: Noto Serif CJK SC for
the 仿宋 body, Noto Sans CJK SC for the 黑体 headings. :func:`write_pdf` finds both files
before rendering, so a missing font is a clear error rather than a PDF of empty boxes.
"""

from __future__ import annotations

from pathlib import Path

from yigai.reports.fonts import shipped_face
from yigai.reports.html_writer import render_html
from yigai.reports.sections import Report


def write_pdf(report: Report, path: Path) -> Path:
    # Imported here: WeasyPrint loads Pango at import, which the CLI should not pay for
    # unless a PDF is written.
    from weasyprint import HTML

    fonts = (shipped_face("serif"), shipped_face("sans"))
    path.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(report, path.parent, print_fonts=fonts)
    HTML(string=html, base_url=str(path.parent)).write_pdf(str(path))
    return path

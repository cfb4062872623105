"""PDF rendering (PDF版) through WeasyPrint from the same HTML as :mod:`html_writer`.

CJK faces are the files the project ships (:mod:`yigai.reports.fonts`), loaded by
``@font-face`` rules in the print CSS and embedded (subset) in the PDF: the body, 版记 and
签发人 label in the shipped 仿宋 subset (FandolFang), or in the 仿宋 file a deployment names in
``YIGAI_FONT_FANGSONG``, with Noto Serif CJK SC for a character it lacks; the title in Noto
Serif, 一、 headings in Noto Sans (黑体), （一） headings and the 签发人 name in the shipped
楷体 subset (霞鹜文楷). :func:`write_pdf` finds every file and checks the 仿宋 setting before
rendering, so a missing or wrong font is a clear error rather than a PDF of empty boxes; the
PDF's document properties (Subject) say which faces set which text.
"""

from __future__ import annotations

from pathlib import Path

from yigai.reports.fonts import print_fonts
from yigai.reports.html_writer import render_html
from yigai.reports.sections import Report


def write_pdf(report: Report, path: Path) -> Path:
    # Imported here: WeasyPrint loads Pango at import, which the CLI should not pay for
    # unless a PDF is written.
    from weasyprint import HTML

    fonts = print_fonts()
    path.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(report, path.parent, print_fonts=fonts)
    document = HTML(string=html, base_url=str(path.parent)).render()
    document.metadata.description = fonts.description()
    document.write_pdf(str(path))
    return path

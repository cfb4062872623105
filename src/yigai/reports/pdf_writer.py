"""PDF rendering (PDF版) through WeasyPrint from the same HTML as :mod:`html_writer`.

CJK faces come from fontconfig via the CSS fallbacks (仿宋 → Noto Serif CJK SC, 黑体 →
Noto Sans CJK SC); :func:`write_pdf` checks first that a CJK face is installed, so a missing
font is a clear error rather than a PDF of empty boxes.
"""

from __future__ import annotations

from pathlib import Path

from yigai.reports.fonts import SANS_FAMILIES, SERIF_FAMILIES, cjk_font
from yigai.reports.html_writer import render_html
from yigai.reports.sections import Report


def write_pdf(report: Report, path: Path) -> Path:
    # Imported here: WeasyPrint loads Pango at import, which the CLI should not pay for
    # unless a PDF is written.
    from weasyprint import HTML

    serif, _ = cjk_font(SERIF_FAMILIES)
    sans, _ = cjk_font(SANS_FAMILIES)
    path.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(report, path.parent, print_fonts=(serif, sans))
    HTML(string=html, base_url=str(path.parent)).write_pdf(str(path))
    return path

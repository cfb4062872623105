"""HTML rendering (网页版) of a report from the Jinja template that the PDF also uses, so the
two cannot drift apart. Chart images are inlined (``data:`` URIs): the HTML is one
self-contained file that can be mailed or uploaded on its own."""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from yigai.reports.fonts import PrintFonts
from yigai.reports.indicator_section import ANNEX_HEADERS
from yigai.reports.sections import (
    INDICATOR_HEADERS,
    RANKING_HEADERS,
    TASK_HEADERS,
    Report,
    ReportKind,
    date_zh,
    issuer_size_pt,
    task_cells,
)
from yigai.reports.status import STATUS_RGB

TEMPLATES = Path(__file__).parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=False,
)


def render_html(report: Report, base: Path, *, print_fonts: PrintFonts | None = None) -> str:
    """The report as one HTML page; chart paths are made relative to ``base``.

    ``print_fonts`` loads the PDF's CJK files (serif, sans, 楷体, a configured 仿宋) with
    ``@font-face`` and puts them first for WeasyPrint: fontconfig answers an unknown family
    such as 黑体 with DejaVu rather than moving down the CSS list. The web page itself keeps
    report.css's Windows names.
    """
    del base  # charts are inlined, so nothing is relative to the file any more
    charts = {name: inline_png(Path(path)) for name, path in report.charts.items() if path}
    return _env.get_template("report.html.j2").render(
        report=report,
        header=report.data.header,
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        intro=report.intro,
        key=report.data.key_indicator,
        period_label=report.period_zh,
        charts=charts,
        status_rgb=STATUS_RGB,
        indicator_headers=INDICATOR_HEADERS,
        annex_headers=ANNEX_HEADERS,
        points=report.key_points,
        upward=report.kind is ReportKind.MONTHLY,
        ranking_headers=RANKING_HEADERS,
        task_headers=TASK_HEADERS,
        task_rows=[(task_cells(t), t) for t in report.tasks],
        issue_date=date_zh(report.data.header.issue_date),
        issuer_pt=issuer_size_pt(report.data.header.issuer_zh),
        print_fonts=print_fonts,
    )


def inline_png(path: Path) -> str:
    """A PNG as a ``data:`` URI."""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def write_html(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, path.parent), encoding="utf-8")
    return path

"""HTML rendering (网页版) of a report from the Jinja template that the PDF also uses, so the
two cannot drift apart. Chart images are referenced by path relative to the HTML file."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from yigai.reports.fonts import Face
from yigai.reports.sections import (
    INDICATOR_HEADERS,
    RANKING_HEADERS,
    TASK_HEADERS,
    Report,
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


def render_html(
    report: Report, base: Path, *, print_fonts: tuple[Face, Face] | None = None
) -> str:
    """The report as one HTML page; chart paths are made relative to ``base``.

    ``print_fonts`` (serif, sans) loads the shipped CJK files with ``@font-face`` and puts them
    first for WeasyPrint: fontconfig answers an unknown family such as 黑体 with DejaVu rather
    than moving down the CSS list. The web page itself keeps report.css's Windows names.
    """
    charts = {
        name: Path(path).relative_to(base).as_posix()
        for name, path in report.charts.items()
        if path is not None
    }
    return _env.get_template("report.html.j2").render(
        report=report,
        header=report.data.header,
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        intro=report.intro,
        key=report.data.key_indicator,
        period_label=report.data.period.label_zh,
        charts=charts,
        status_rgb=STATUS_RGB,
        indicator_headers=INDICATOR_HEADERS,
        ranking_headers=RANKING_HEADERS,
        task_headers=TASK_HEADERS,
        task_rows=[(task_cells(t), t) for t in report.tasks],
        issue_date=date_zh(report.data.header.issue_date),
        issuer_pt=issuer_size_pt(report.data.header.issuer_zh),
        print_fonts=print_fonts,
    )


def write_html(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, path.parent), encoding="utf-8")
    return path

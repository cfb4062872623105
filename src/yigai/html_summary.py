"""The demo's HTML summary (指标摘要): value vs target per indicator for one region.

A single self-contained page (inline CSS, no scripts, no CDN) that a person can open from
disk. The table data comes from :func:`yigai.demo.summary_rows`; this module only renders.
Statuses are the bulletin's (:mod:`yigai.reports.status`: 达标 / 接近目标 / 未达标, about the
target only), so the summary and the bulletin count the same targets missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from yigai.reports.status import STATUS_RGB
from yigai.reports.status import STATUS_ZH as REPORT_STATUS_ZH


@dataclass(frozen=True)
class SummaryRow:
    """One line of the summary: an indicator for one org unit and period."""

    indicator_id: str
    name_zh: str
    name_en: str
    unit_zh: str
    org_name: str
    period_id: str
    value: str  # formatted, or "—"
    target: str  # with its direction, e.g. "≥90.00" (正向) or "≤40.00" (逆向), or "—"
    deadline: str
    status: str  # a yigai.reports.status.Status value: green | amber | red | no_target | no_data
    source: str
    trend: str = "—"  # 较上期: 改善 / 持平 / 退步 / —, apart from the status


#: The bulletin's status names and colours, keyed by status value.
STATUS_ZH = {s.value: zh for s, zh in REPORT_STATUS_ZH.items()}
STATUS_COLOUR = {s.value: f"#{rgb}" for s, rgb in STATUS_RGB.items()}


def render(
    rows: list[SummaryRow],
    *,
    title: str,
    subtitle: str,
    notes: list[str],
    path: Path,
) -> Path:
    env = Environment(
        loader=PackageLoader("yigai", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    html = env.get_template("summary.html").render(
        title=title,
        subtitle=subtitle,
        rows=rows,
        notes=notes,
        status_zh=STATUS_ZH,
        status_colour=STATUS_COLOUR,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path

"""The demo's HTML summary (指标摘要): value vs target per indicator for one region.

A single self-contained page (inline CSS, no scripts, no CDN) that a person can open from
disk. The table data comes from :func:`summary_rows`; this module only renders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape


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
    target: str  # formatted with its comparison, e.g. "≥ 90.00", or "—"
    deadline: str
    status: str  # met | not_met | no_target | no_data
    source: str


STATUS_ZH = {"met": "达标", "not_met": "未达标", "no_target": "无目标", "no_data": "无数据"}


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
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path

"""Charts (统计图) of the key indicator: by unit with the target line, and its monthly trend.

Drawn with matplotlib's object API (no pyplot global state) in the CJK font that the
project's set-up ships (:func:`yigai.reports.fonts.chart_font`, registered with matplotlib at
first use). A glyph missing from the font is an error, not a warning: a chart
with empty boxes instead of unit names must not reach a county bureau. Values are converted to
float only here, for drawing; every printed number comes from the Decimal tables.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from yigai.reports.fonts import FontMissingError, chart_font
from yigai.reports.model import UNIT_SUFFIX_ZH, Direction
from yigai.reports.sections import Report, UnitValue
from yigai.reports.status import STATUS_RGB, Status, meets_target

DPI = 150


@contextmanager
def _strict_glyphs(path: Path) -> Iterator[None]:
    """Turn matplotlib's "Glyph … missing from font" warnings (raised while laying out or
    drawing) into an error, and remove the half-written file."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    if missing:
        path.unlink(missing_ok=True)
        raise FontMissingError(
            f"图表字体缺少字形，已停止生成 {path.name}：{missing[0]} / "
            f"the chart font lacks glyphs, {path.name} not written: {missing[0]}"
        )
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    return path


def _style() -> dict[str, object]:
    family, _ = chart_font()
    return {"font.family": [family], "axes.unicode_minus": False, "font.size": 10}


#: Fewer bars than this make no chart: one bar compares nothing (the table says it all).
MIN_BARS = 2


def ranked(report: Report) -> list[UnitValue]:
    """The units' key values, best first in the indicator's direction (ties by name)."""
    meta = report.data.key_indicator
    sign = -1 if meta.direction is Direction.HIGHER else 1
    return sorted(report.key_by_unit, key=lambda u: (sign * u.value, u.name_zh))


def bar_by_unit(report: Report, path: Path) -> Path | None:
    """各单位重点指标排名 as horizontal bars, best at the top, against the target (a dashed
    line); each value at the end of its own bar, so labels never collide however many units.
    None with fewer than :data:`MIN_BARS` units with a value."""
    if len(report.key_by_unit) < MIN_BARS:
        return None
    meta = report.data.key_indicator
    target = report.key_target.value if report.key_target else None
    units = ranked(report)[::-1]  # barh draws bottom-up: best last, so it is on top
    with matplotlib.rc_context(_style()), _strict_glyphs(path):
        fig = Figure(figsize=(7.5, max(2.6, 0.42 * len(units) + 1.4)))
        ax = fig.subplots()
        names = [u.name_zh for u in units]
        values = [float(u.value) for u in units]
        colours = [
            "#"
            + STATUS_RGB[
                Status.NO_TARGET
                if target is None
                else Status.GREEN
                if meets_target(u.value, target, meta.direction)
                else Status.RED
            ]
            for u in units
        ]
        bars = ax.barh(names, values, color=colours, height=0.6)
        suffix = UNIT_SUFFIX_ZH[meta.unit]
        ax.bar_label(bars, labels=[f"{u.value}{suffix}" for u in units], fontsize=8, padding=3)
        if target is not None:
            ax.axvline(
                float(target),
                color="#C0392B",
                linestyle="--",
                linewidth=1.2,
                label=f"目标值 {target}{suffix}",
            )
            ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
        ax.set_xlim(0, max([*values, float(target or 0)]) * 1.15)
        better = "越高越好" if meta.direction is Direction.HIGHER else "越低越好"
        ax.set_title(f"{report.period_zh}各单位{meta.name_zh}排名（{better}）", fontsize=11)
        ax.set_xlabel(f"{meta.name_zh}（{suffix or '数值'}，横轴从0开始）")
        ax.tick_params(axis="y", labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        return _save(fig, path)


def trend_by_month(report: Report, path: Path) -> Path | None:
    """重点指标月度趋势 of the region over the last twelve months; None with no monthly value."""
    if not report.key_trend:
        return None
    meta = report.data.key_indicator
    with matplotlib.rc_context(_style()), _strict_glyphs(path):
        fig = Figure(figsize=(7.5, 3.4))
        ax = fig.subplots()
        labels = [f"{p.start.year}年{p.start.month}月" for p, _ in report.key_trend]
        values = [float(v) for _, v in report.key_trend]
        ax.plot(labels, values, marker="o", color="#1F4E79", linewidth=1.8)
        for x, (_, v) in enumerate(report.key_trend):
            ax.annotate(
                str(v),
                (x, float(v)),
                xytext=(0, 5),
                textcoords="offset points",
                ha="center",
                fontsize=7,
            )
        if report.key_target is not None:
            ax.axhline(
                float(report.key_target.value),
                color="#C0392B",
                linestyle="--",
                linewidth=1.2,
                label=f"目标值 {report.key_target.value}{UNIT_SUFFIX_ZH[meta.unit]}",
            )
            ax.legend(loc="best", fontsize=8, frameon=False)
        ax.set_title(f"{report.data.region.name_zh}{meta.name_zh}月度趋势", fontsize=11)
        # The axis starts at 0, where a reader expects it, so a small change is not drawn as
        # a steep one; the label says so.
        top = max(values + ([float(report.key_target.value)] if report.key_target else []))
        ax.set_ylim(0, top * 1.15)
        ax.set_ylabel(f"{meta.name_zh}（{UNIT_SUFFIX_ZH[meta.unit] or '数值'}，纵轴从0开始）")
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        return _save(fig, path)

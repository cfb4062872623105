"""Charts render Chinese: the PNG is not blank and matplotlib reports no missing glyph."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from yigai.reports import charts
from yigai.reports.fonts import FontMissingError
from yigai.reports.sections import ReportKind, build

from .factories import UNITS, make_data


@pytest.fixture(scope="module")
def report():
    return build(make_data("202503"), ReportKind.MONTHLY)


def _variance(path: Path) -> float:
    return float(np.asarray(Image.open(path).convert("L"), dtype=np.float64).var())


@pytest.mark.parametrize("draw", [charts.bar_by_unit, charts.trend_by_month])
def test_chart_png_is_drawn_without_glyph_warnings(report, tmp_path, draw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = draw(report, tmp_path / "chart.png")
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert path is not None and _variance(path) > 100


def test_chart_with_a_font_lacking_chinese_is_refused(report, tmp_path, monkeypatch):
    """DejaVu Sans has no CJK glyphs: the chart must fail, not render boxes."""
    monkeypatch.setattr(charts, "chart_font", lambda: ("DejaVu Sans", Path("DejaVuSans.ttf")))
    with pytest.raises(FontMissingError, match=r"图表字体缺少字形.*lacks glyphs"):
        charts.bar_by_unit(report, tmp_path / "tofu.png")
    assert not (tmp_path / "tofu.png").exists()


def test_no_unit_values_means_no_bar_chart(tmp_path):
    data = make_data(results=[r for r in make_data().results if not r.org_id.startswith("U")])
    assert charts.bar_by_unit(build(data, ReportKind.MONTHLY), tmp_path / "x.png") is None


def test_a_single_unit_makes_no_bar_chart(tmp_path):
    """Issue 14 §3: no chart of a single bar (it compares nothing)."""
    data = make_data("2025Q1", units=UNITS[:1])
    assert charts.bar_by_unit(build(data, ReportKind.QUARTERLY), tmp_path / "one.png") is None


def test_bars_are_ranked_best_first_in_the_indicators_direction():
    report = build(make_data("2025Q1"), ReportKind.QUARTERLY)
    assert [u.org_id for u in charts.ranked(report)] == ["U1", "U3", "U2"]

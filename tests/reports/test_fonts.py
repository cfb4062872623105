"""CJK fonts come with the project's set-up (PyPI ``mplfonts``), not from the system: charts
draw Chinese on a machine with no CJK font and an empty matplotlib cache, the PDF embeds the
shipped faces, and a missing font is a clear error with exit code 1, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from yigai.reports import fonts
from yigai.reports.fonts import PDF_FAMILIES, FontMissingError, chart_font, shipped_face

from .test_assemble import synth_home

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_font_cache() -> Iterator[None]:
    """chart_font remembers its answer per process; start and end each test without it."""
    chart_font.cache_clear()
    yield
    chart_font.cache_clear()


def test_shipped_faces_are_the_noto_files_of_mplfonts():
    sans, serif = shipped_face("sans").path, shipped_face("serif").path
    assert (sans.name, serif.name) == ("NotoSansCJKsc-Regular.otf", "NotoSerifCJKsc-Regular.otf")
    assert sans.parent.parent.name == serif.parent.parent.name == "mplfonts"
    assert sans.is_file() and serif.is_file()


# Runs in a fresh interpreter whose MPLCONFIGDIR is an empty folder (no font cache) and whose
# font manager holds only matplotlib's own fonts (no CJK face): the bare machine of issue 13.
_BARE_MACHINE = r"""
import json, sys, warnings
from pathlib import Path
import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

own = Path(matplotlib.get_data_path()) / "fonts"
manager = font_manager.fontManager
manager.ttflist = [f for f in manager.ttflist if Path(f.fname).is_relative_to(own)]
cjk_before = [f.name for f in manager.ttflist if "CJK" in f.name or "Hei" in f.name]

from tests.reports.factories import make_data
from yigai.reports import charts
from yigai.reports.fonts import chart_font
from yigai.reports.sections import ReportKind, build

family, path = chart_font()
found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)

def ink(text):
    fig = Figure(figsize=(1, 1), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, text, family=family, size=48, ha="center", va="center")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    dark = np.asarray(fig.canvas.buffer_rgba())[..., 0] < 128
    return dark, any("missing from" in str(w.message) for w in caught)

tofu, tofu_warned = ink("\u0e01")  # Thai ko kai: no glyph in a CJK SC font
glyphs = {c: ink(c) for c in "医改"}
chart = charts.bar_by_unit(build(make_data("202503"), ReportKind.MONTHLY), Path(sys.argv[1]))
print(json.dumps({
    "cjk_before": cjk_before,
    "chosen": str(path), "found": found,
    "tofu_warned": tofu_warned,
    "ink": {c: int(d.sum()) for c, (d, _) in glyphs.items()},
    "warned": [c for c, (_, w) in glyphs.items() if w],
    "same_as_tofu": [c for c, (d, _) in glyphs.items() if (d == tofu).all()],
    "same_as_each_other": bool((glyphs["医"][0] == glyphs["改"][0]).all()),
    "chart": str(chart),
}))
"""


@pytest.fixture(scope="module")
def bare_machine(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("bare")
    (tmp / "mplconfig").mkdir()
    env = {**os.environ, "MPLCONFIGDIR": str(tmp / "mplconfig")}
    done = subprocess.run(
        [sys.executable, "-c", _BARE_MACHINE, str(tmp / "chart.png")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_charts_use_the_shipped_font_without_system_font_or_cache(bare_machine):
    assert bare_machine["cjk_before"] == []
    shipped = str(shipped_face("sans").path)
    assert bare_machine["chosen"] == bare_machine["found"] == shipped
    assert Path(bare_machine["chart"]).is_file()


def test_chinese_glyphs_are_drawn_not_tofu(bare_machine):
    assert bare_machine["tofu_warned"]  # the comparison glyph really is missing
    assert bare_machine["warned"] == [] and bare_machine["same_as_tofu"] == []
    assert not bare_machine["same_as_each_other"]
    assert all(n > 100 for n in bare_machine["ink"].values())


def _embedded_fonts(pdf_path: Path) -> set[tuple[str, bool]]:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    names = set()
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for page in doc:
            for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT]):
                font = raw.FPDFTextObj_GetFont(obj.raw)
                size = raw.FPDFFont_GetBaseFontName(font, None, 0)
                buf = ctypes.create_string_buffer(size)
                raw.FPDFFont_GetBaseFontName(font, buf, size)
                # Drop the subset tag (ABCDEF+) and any synthesised style suffix (-Bold).
                base = buf.value.decode().split("+")[-1].removesuffix("-Bold")
                names.add((base, bool(raw.FPDFFont_GetIsEmbedded(font))))
    finally:
        doc.close()
    return names


def test_pdf_embeds_the_shipped_cjk_faces_and_no_other(monthly_files):
    """The families exist only through the @font-face rules that load the shipped files."""
    wanted = {(PDF_FAMILIES[k].replace(" ", "-"), True) for k in ("sans", "serif", "kai", "fang")}
    assert _embedded_fonts(monthly_files["pdf"]) == wanted


def test_missing_font_package_is_a_clear_error(monkeypatch, fresh_font_cache):
    monkeypatch.setattr(fonts, "shipped_font_dir", lambda: None)
    with pytest.raises(FontMissingError, match=r"未找到.*make setup.*pip install mplfonts"):
        chart_font()


def test_missing_font_file_names_the_file(monkeypatch, tmp_path, fresh_font_cache):
    monkeypatch.setattr(fonts, "shipped_font_dir", lambda: tmp_path)
    expected = str(tmp_path / "NotoSerifCJKsc-Regular.otf")
    with pytest.raises(FontMissingError, match="missing file") as err:
        shipped_face("serif")
    assert expected in str(err.value)


def test_cli_without_fonts_ends_with_exit_1_and_no_traceback(
    monkeypatch, tmp_path, tmp_path_factory, capsys, fresh_font_cache
):
    from yigai import cli

    home = synth_home(tmp_path_factory.getbasetemp())  # shared with test_commands.py
    monkeypatch.delenv("YIGAI_DATABASE_URL", raising=False)
    monkeypatch.setattr(fonts, "shipped_font_dir", lambda: tmp_path / "no-fonts")
    argv = ["yigai", "report", "--period", "2025Q4", "--home", str(home), "--out", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 1
    out = capsys.readouterr()
    assert "make setup" in out.out + out.err and "Traceback" not in out.out + out.err

"""The PDF's faces per character (issue 14 §3): （一） headings in the shipped 楷体 subset,
the body in the shipped 仿宋 subset (FandolFang) or, when a deployment names a licensed 仿宋
file in ``YIGAI_FONT_FANGSONG``, in that file; Noto Serif for a character the 仿宋 lacks; a
wrong setting is a clear error (exit code 1).

The Kai subset itself stands in for a county's licensed 仿宋_GB2312.ttf: it covers the
report's characters, and its glyphs land under the 仿宋 family only if the setting is honoured.
"""

from __future__ import annotations

import ctypes
import shutil
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from fontTools import subset as ft_subset

from yigai.orgs.model import OrgKind
from yigai.reports import write_monthly_report
from yigai.reports.fonts import (
    FANGSONG_ENV,
    PDF_FAMILIES,
    FontSettingError,
    fangsong_face,
    print_fonts,
    shipped_face,
)
from yigai.reports.model import OrgUnit

from .factories import header, make_data
from .test_assemble import synth_home

HEADING = "（一）未达标指标"
SIGNER = "王明"  # 签发人 of the upward monthly report, a 楷体 place of GB/T 9704 (7.2.4)
INTRO = "现将2025年3月示范县深化医药卫生体制改革重点工作进"  # first line of the body


def _family(kind: str) -> str:
    """The PDF font name WeasyPrint gives a ``@font-face`` family."""
    return PDF_FAMILIES[kind].replace(" ", "-")  # type: ignore[index]


def _text_by_font(pdf: Path, page: int = 0) -> dict[str, str]:
    """Each font's characters on ``page``, in reading order (subset tag ABCDEF+ dropped)."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        textpage = document[page].get_textpage()
        found: dict[str, str] = defaultdict(str)
        for i in range(textpage.count_chars()):
            size = raw.FPDFText_GetFontInfo(textpage.raw, i, None, 0, None)
            buf = ctypes.create_string_buffer(size)
            raw.FPDFText_GetFontInfo(textpage.raw, i, buf, size, None)
            char = chr(raw.FPDFText_GetUnicode(textpage.raw, i))
            found[buf.value.decode().split("+")[-1]] += char
        return dict(found)
    finally:
        document.close()


def _subject(pdf: Path) -> str:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return document.get_metadata_dict()["Subject"]
    finally:
        document.close()


@pytest.fixture(scope="module")
def fangsong_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("licensed") / "仿宋_GB2312.ttf"
    shutil.copyfile(shipped_face("kai").path, path)
    return path


@pytest.fixture(scope="module")
def fangsong_pdf(tmp_path_factory: pytest.TempPathFactory, fangsong_file: Path) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(FANGSONG_ENV, str(fangsong_file))
        data = make_data("202503", header=replace(header(), signer_zh=SIGNER))
        files = write_monthly_report(data, tmp_path_factory.mktemp("fangsong"))
    return files["pdf"]


def test_sub_headings_are_set_in_the_shipped_kai_face(monthly_files):
    by_font = _text_by_font(monthly_files["pdf"])
    assert HEADING in by_font[_family("kai")]
    assert all(HEADING not in text for font, text in by_font.items() if font != _family("kai"))


def test_body_is_the_shipped_fandol_fang_without_a_setting(monthly_files):
    by_font = _text_by_font(monthly_files["pdf"])
    assert INTRO in by_font[_family("fang")]
    assert INTRO not in by_font.get(_family("serif"), "")
    assert _family("fangsong") not in by_font


def test_colophon_is_set_in_the_shipped_fandol_fang(monthly_files):
    """版记 (抄送, 印发) is 仿宋 in GB/T 9704 too."""
    document = pdfium.PdfDocument(str(monthly_files["pdf"]))
    last = len(document) - 1
    document.close()
    by_font = _text_by_font(monthly_files["pdf"], last)
    assert "抄送：县委办公室" in by_font[_family("fang")]


def test_character_missing_from_fandol_fang_falls_back_to_noto_serif(tmp_path):
    """旻 is outside GB2312 and FandolFang: in a unit name it is drawn from Noto Serif (never
    an empty box), and the rest of the sentence stays in FandolFang."""
    region = OrgUnit("C01", "旻山县", OrgKind.COUNTY)
    pdf = write_monthly_report(make_data("202503", region=region), tmp_path)["pdf"]
    by_font = _text_by_font(pdf)
    assert "现将2025年3月山县深化医药" in by_font[_family("fang")]  # 旻 is not in it
    assert "旻" in by_font[_family("serif")]


def test_pdf_properties_say_which_faces_were_used(monthly_files):
    subject = _subject(monthly_files["pdf"])
    assert "正文 body yigai FandolFang（FandolFang 仿宋子集 subset）；" in subject
    assert "（一）标题 sub-headings yigai WenKai" in subject


def test_configured_fangsong_file_sets_the_body(fangsong_pdf):
    by_font = _text_by_font(fangsong_pdf)
    assert INTRO in by_font[_family("fangsong")]
    assert INTRO not in by_font.get(_family("serif"), "")
    assert _family("fang") not in by_font  # the shipped 仿宋 is not even loaded
    assert HEADING in by_font[_family("kai")]  # the headings keep their own face


def test_signer_name_is_set_in_the_kai_face(fangsong_pdf):
    by_font = _text_by_font(fangsong_pdf)
    assert SIGNER in by_font[_family("kai")] and "签发人：" in by_font[_family("fangsong")]


def test_configured_fangsong_leaves_the_title_in_the_serif_face(fangsong_pdf):
    by_font = _text_by_font(fangsong_pdf)
    serif = by_font[_family("serif")] + by_font.get(_family("serif") + "-Bold", "")
    assert "关于2025年3月深化医药卫生体制改革" in serif


def test_pdf_properties_name_the_configured_fangsong_file(fangsong_pdf):
    assert f"正文 body 仿宋 仿宋_GB2312.ttf（{FANGSONG_ENV}）；" in _subject(fangsong_pdf)


def test_missing_fangsong_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv(FANGSONG_ENV, str(tmp_path / "仿宋.ttf"))
    with pytest.raises(FontSettingError, match=r"仿宋\.ttf：文件不存在.*no such file") as err:
        fangsong_face()
    assert FANGSONG_ENV in str(err.value)


def test_fangsong_file_that_is_not_a_font_is_refused(monkeypatch, tmp_path):
    path = tmp_path / "仿宋.ttf"
    path.write_text("不是字体 / not a font", encoding="utf-8")
    monkeypatch.setenv(FANGSONG_ENV, str(path))
    with pytest.raises(FontSettingError, match=r"不是可读取的字体文件.*not a readable font file"):
        fangsong_face()


def test_fangsong_file_lacking_report_characters_is_refused(monkeypatch, tmp_path):
    """A font without the report's hanzi (here: the Kai subset cut to ASCII) is refused."""
    options = ft_subset.Options()
    font = ft_subset.load_font(str(shipped_face("kai").path), options)
    cutter = ft_subset.Subsetter(options)
    cutter.populate(unicodes=range(0x20, 0x7F))
    cutter.subset(font)
    path = tmp_path / "latin.ttf"
    ft_subset.save_font(font, str(path), options)
    monkeypatch.setenv(FANGSONG_ENV, str(path))
    with pytest.raises(FontSettingError, match=r"缺少报告用字 \d+ 个：.*lacks \d+ characters"):
        fangsong_face()


def test_wrong_fangsong_setting_stops_before_any_file_is_written(monkeypatch, tmp_path):
    monkeypatch.setenv(FANGSONG_ENV, str(tmp_path / "missing.ttf"))
    with pytest.raises(FontSettingError):
        write_monthly_report(make_data("202503"), tmp_path / "out")
    assert not (tmp_path / "out").exists()  # not even the charts


def test_cli_with_wrong_fangsong_setting_exits_1_without_traceback(
    monkeypatch, tmp_path, tmp_path_factory, capsys
):
    from yigai import cli

    home = synth_home(tmp_path_factory.getbasetemp())  # shared with test_commands.py
    monkeypatch.delenv("YIGAI_DATABASE_URL", raising=False)
    monkeypatch.setenv(FANGSONG_ENV, str(tmp_path / "仿宋_GB2312.ttf"))
    argv = ["yigai", "report", "--period", "2025Q4", "--home", str(home), "--out", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 1
    out = capsys.readouterr()
    assert FANGSONG_ENV in out.out + out.err and "Traceback" not in out.out + out.err


@pytest.mark.parametrize("configured", [True, False], ids=["configured", "shipped"])
def test_kai_and_fangsong_fall_back_to_the_serif_face_for_a_missing_glyph(
    monkeypatch, fangsong_file, configured
):
    """A character outside the 楷体 subset or the 仿宋 face (a rare one in a unit name) is
    drawn from Noto Serif, never as an empty box: the serif family follows in each list."""
    from yigai.reports.html_writer import render_html
    from yigai.reports.sections import ReportKind, build

    if configured:
        monkeypatch.setenv(FANGSONG_ENV, str(fangsong_file))
    else:
        monkeypatch.delenv(FANGSONG_ENV, raising=False)
    fonts = print_fonts()
    body = PDF_FAMILIES["fangsong" if configured else "fang"]
    html = render_html(build(make_data("202503"), ReportKind.MONTHLY), Path("."), print_fonts=fonts)
    serif = PDF_FAMILIES["serif"]
    assert f'h3, .signer-name {{ font-family: "{PDF_FAMILIES["kai"]}", "{serif}", serif; }}' in html
    assert f'html, .colophon {{ font-family: "{body}", "{serif}", serif; }}' in html

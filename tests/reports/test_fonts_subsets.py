"""The faces committed with the package (issue 14 §3): a 楷体 subset of LXGW WenKai for the
（一） headings and a 仿宋 subset of FandolFang for the body, each covering every character
the report wording prints and GB2312 levels 1 and 2, under a name of its own, with its licence
and origin beside it, cut reproducibly by scripts/cut-font.py."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

from yigai.reports import fonts
from yigai.reports.fonts import (
    FONT_FILES,
    cjk_wording,
    font_codepoints,
    report_wording,
    shipped_face,
    wording_of,
)
from yigai.web.fonts import gb2312_common

ROOT = Path(__file__).resolve().parents[2]
SUBSETS = ("kai", "fang")
#: GB2312 level 1 (0xB0–0xD7) and level 2 (0xD8–0xF7) hanzi rows.
GB2312_HANZI_ROWS = range(0xB0, 0xF8)
#: File name, upper size bound (the originals are 15 MB and 7 MB; the repository keeps files
#: under 5 MiB), family name, and names
#: the subset must not carry at all (the OFL's Reserved Font Names of LXGW WenKai).
EXPECTED = {
    "kai": ("YigaiWenKai-Regular.ttf", 4_500_000, "yigai WenKai", ("LXGW", "霞鹜")),
    "fang": ("YigaiFandolFang-Regular.otf", 5 * 1024 * 1024, "yigai FandolFang", ()),
}
#: Name records that name the font: family, unique, full, PostScript, typographic family.
NAME_RECORDS = (1, 3, 4, 6, 16, 17)


@pytest.fixture(scope="module", params=SUBSETS)
def subset(request: pytest.FixtureRequest) -> tuple[str, Path, frozenset[int]]:
    path = shipped_face(request.param).path
    return request.param, path, font_codepoints(path)


def _names(path: Path) -> list[str]:
    with TTFont(str(path), lazy=True) as font:
        return [n.toUnicode() for n in font["name"].names if n.nameID in NAME_RECORDS]


def test_subset_is_the_file_committed_in_the_package(subset):
    kind, path, _ = subset
    file_name, max_size, _, _ = EXPECTED[kind]
    assert Path(fonts.__file__).parent / "font_files" / file_name == path
    assert path.is_file() and path.stat().st_size < max_size


def test_subset_has_every_character_the_report_wording_prints(subset):
    """A template or wording change that adds a character outside a subset fails here:
    re-cut the subsets with scripts/cut-font.py."""
    _, _, points = subset
    assert sorted(c for c in report_wording() if ord(c) not in points) == []


def test_subset_has_gb2312_levels_1_and_2(subset):
    _, _, points = subset
    hanzi = gb2312_common(GB2312_HANZI_ROWS)
    assert len(hanzi) == 6763
    assert [c for c in hanzi if ord(c) not in points] == []


def test_subset_is_named_as_our_own_not_as_the_original(subset):
    kind, path, _ = subset
    _, _, family, originals = EXPECTED[kind]
    names = _names(path)
    assert family in names and all(n.startswith("yigai") for n in names)
    assert all(o not in n for n in names for o in originals)


def test_fang_subset_renames_its_cff_names_too():
    """A CFF font names itself again in its Top DICT, which PDF readers may show."""
    with TTFont(str(shipped_face("fang").path), lazy=True) as font:
        cff = font["CFF "].cff
        top = cff[0]
        assert cff.fontNames == ["yigaiFandolFang-Regular"]
        assert (top.FamilyName, top.FullName) == ("yigai FandolFang", "yigai FandolFang")


def test_kai_subset_keeps_the_ofl_licence_record():
    with TTFont(str(shipped_face("kai").path), lazy=True) as font:
        assert "Open Font License" in font["name"].getDebugName(13)


def test_fang_subset_says_it_is_modified_and_carries_the_font_exception():
    """GPL v3 §5a: a modified work says so; the font exception lets PDFs embed it freely."""
    with TTFont(str(shipped_face("fang").path), lazy=True) as font:
        name = font["name"]
        assert "Fandol team" in name.getDebugName(0)
        assert "modified" in name.getDebugName(10) and "FandolFang" in name.getDebugName(10)
        assert "GPL font exception" in name.getDebugName(13)


def test_kai_subset_ships_with_its_licence_and_origin():
    ofl = (FONT_FILES / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl and "Copyright 2021-2023 LXGW" in ofl
    readme = (FONT_FILES / "README.md").read_text(encoding="utf-8")
    assert "scripts/cut-font.py kai" in readme and "fonts-lxgw-wenkai" in readme


def test_fang_subset_ships_with_the_gpl_its_font_exception_and_origin():
    copying = (FONT_FILES / "FandolFang-COPYING.txt").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in copying and "Version 3, 29 June 2007" in copying
    assert "As a special exception, if you create a document which uses this font" in copying
    readme = (FONT_FILES / "README.md").read_text(encoding="utf-8")
    source_sha256 = "d838ad32ce2244d8144f408c37fe71065aba6fbbc80759a4d2aa2033948d5bc9"
    assert "scripts/cut-font.py fang" in readme and "texlive-lang-chinese" in readme
    assert source_sha256 in readme and "Fandol 0.3" in readme


def test_wording_includes_template_text_and_string_literals_but_not_docstrings(tmp_path):
    """The coverage guard above sees a rare character a template or a message gains."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "report.html.j2").write_text("<h3>（一）龘</h3>", encoding="utf-8")
    (tmp_path / "wording.py").write_text(
        '"""靐 in a docstring is never printed."""\nMESSAGE = f"齉{1}"\n', encoding="utf-8"
    )
    chars = wording_of(tmp_path)
    assert {"龘", "齉", "（"} <= chars and "靐" not in chars
    for kind in SUBSETS:  # so such a change would fail the coverage test
        assert ord("龘") not in font_codepoints(shipped_face(kind).path)


def test_report_wording_covers_the_sub_headings():
    assert set("（一）未达标指标（二）逾期任务（三）下一步工作存在问题") <= report_wording()


def test_report_wording_needs_only_gb2312_so_an_office_fangsong_gb2312_is_accepted():
    """The 仿宋 setting refuses a file lacking a wording character; the offices' 仿宋_GB2312
    has GB2312 only, so wording must not reach past it."""
    beyond = []
    for c in cjk_wording():
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            beyond.append(c)
    assert beyond == []


def _cut_script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("cut_font", ROOT / "scripts" / "cut-font.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_cut_script_output_is_byte_identical_on_a_second_run(tmp_path, monkeypatch):
    """Reproducible: the same source and package text give the same file. The source here is
    a small CFF font (the 仿宋 subset cut to the ASCII range and a few hanzi)."""
    options = ft_subset.Options()
    options.name_IDs = ["*"]
    font = ft_subset.load_font(str(shipped_face("fang").path), options)
    cutter = ft_subset.Subsetter(options)
    cutter.populate(unicodes=[*range(0x20, 0x7F), *map(ord, "医改仿宋")])
    cutter.subset(font)
    source = tmp_path / "source.otf"
    ft_subset.save_font(font, str(source), options)
    script = _cut_script(monkeypatch)
    first = script.cut_face(script.CUTS["fang"], source, tmp_path / "first.otf")
    second = script.cut_face(script.CUTS["fang"], source, tmp_path / "second.otf")
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, second)]
    assert digest[0] == digest[1]
    assert _names(first)[0] == "yigai FandolFang"
    with TTFont(str(source)) as before, TTFont(str(first)) as after:  # no cut-time stamp
        assert after["head"].modified == before["head"].modified

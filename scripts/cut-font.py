#!/usr/bin/env python3
"""Cut the PDF's shipped faces (src/yigai/reports/font_files/) from their sources, reproducibly.

    .venv/bin/python scripts/cut-font.py kai LXGWWenKai-Regular.ttf
    .venv/bin/python scripts/cut-font.py fang FandolFang-Regular.otf

``kai``: the 楷体 of the （一） headings, YigaiWenKai-Regular.ttf, from LXGW WenKai Regular
1.250 (霞鹜文楷, SIL OFL 1.1), Debian package fonts-lxgw-wenkai (file
usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf; `apt-get download
fonts-lxgw-wenkai && dpkg-deb -x fonts-lxgw-wenkai_*.deb ex`).

``fang``: the 仿宋 of the body, YigaiFandolFang-Regular.otf, from FandolFang Regular (Fandol
0.3, font version 1.300; GPL v3 with the GPL font exception), Debian package
texlive-lang-chinese 2022.20230122-1 (file
usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf; also on
CTAN, fonts/fandol).

Each subset keeps GB2312's symbol rows and levels 1 and 2 (6,763 hanzi), printable ASCII, CJK
punctuation (U+3000–303F), full-width forms (U+FF01–FF5E) and every character of the package's
text files (templates, wording, messages, YAML; `yigai.web.fonts.package_text`), as far as the
source has glyphs for them. Run it again when a template or wording module gains a character
outside that set (tests/reports/test_fonts_subsets.py says which).

The subsets carry their own font names ("yigai WenKai", "yigai FandolFang"): the OFL reserves
"LXGW" and "霞鹜" for unmodified fonts, and a name of our own means fontconfig never answers
it with an installed copy of the original. Copyright and licence are kept, and a description
names the source. The output is byte-for-byte the same for the same source and package text
(the source's timestamps are kept).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from yigai.reports.fonts import FANG_FILE, FONT_FILES, KAI_FILE, report_wording  # noqa: E402
from yigai.web.fonts import gb2312_common, package_text  # noqa: E402

#: GB2312 rows: 0xA1–0xA9 symbols and full-width forms, 0xB0–0xD7 level 1, 0xD8–0xF7 level 2.
ROWS = (*range(0xA1, 0xAA), *range(0xB0, 0xF8))
#: Name records that carry the font's name (family, full, unique, PostScript, typographic).
NAME_IDS = (1, 3, 4, 6, 16, 17, 18, 21, 22)


@dataclass(frozen=True)
class Cut:
    """One shipped face: where it comes from and what the subset is called."""

    out: str  # file name in font_files/
    family: str
    postscript: str
    original: str  # the source face, for the description record
    licence: str  # short licence statement, for the description record
    #: name records to set when the source leaves them empty (Fandol has no licence record)
    licence_records: tuple[tuple[int, str], ...] = ()


CUTS: dict[str, Cut] = {
    "kai": Cut(
        out=KAI_FILE,
        family="yigai WenKai",
        postscript="yigaiWenKai-Regular",
        original="LXGW WenKai Regular",
        licence="SIL Open Font License 1.1",
    ),
    "fang": Cut(
        out=FANG_FILE,
        family="yigai FandolFang",
        postscript="yigaiFandolFang-Regular",
        original="FandolFang Regular (Fandol 0.3)",
        # GPL 5a asks a modified work to say so; the font exception is extended to the
        # subset so that a PDF embedding it is not itself covered by the GPL.
        licence="modified (subset, renamed) by the yigai project; GNU GPL v3 with the GPL "
        "font exception, extended to this version",
        licence_records=(
            (
                13,
                "GNU General Public License version 3, with the GPL font exception: "
                "a document that embeds this font or unaltered portions of it is not by that "
                "alone covered by the GPL. See FandolFang-COPYING.txt.",
            ),
            (14, "https://www.gnu.org/licenses/gpl-3.0.html"),
        ),
    ),
}


def wanted_text() -> set[str]:
    ranges = (range(0x20, 0x7F), range(0x3000, 0x3040), range(0xFF01, 0xFF5F))
    chars = {chr(c) for r in ranges for c in r}
    return chars | set(gb2312_common(ROWS)) | set(package_text()) | set(report_wording())


def rename(font: TTFont, cut: Cut, source_version: str) -> None:
    """Give the subset its own names in the name table (and the CFF table of an OTF)."""
    table = font["name"]
    empty = {n.nameID for n in table.names if not n.toUnicode().strip()}
    table.names = [n for n in table.names if n.nameID not in NAME_IDS]
    values = {
        1: cut.family,
        3: f"{cut.family}:{source_version}:subset",
        4: cut.family,
        6: cut.postscript,
        10: f"Subset of {cut.original}, {source_version}, for the yigai PDF reports, cut by "
        f"scripts/cut-font.py; {cut.licence}",
    }
    missing = {i for i in (13, 14) if i in empty or table.getDebugName(i) is None}
    values |= {i: text for i, text in cut.licence_records if i in missing}
    for name_id, text in values.items():
        table.removeNames(nameID=name_id)  # drop an empty record of the source
        table.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English
        table.setName(text, name_id, 1, 0, 0)  # Macintosh, Roman, English
    if "CFF " in font:  # a CFF font names itself a second time, in its Top DICT
        cff = font["CFF "].cff
        cff.fontNames = [cut.postscript]
        top = cff[0]
        top.FullName, top.FamilyName = cut.family, cut.family
        for sub in getattr(top, "FDArray", None) or ():
            sub.FontName = cut.postscript


def cut_face(cut: Cut, source: Path, out: Path) -> Path:
    options = ft_subset.Options()
    options.layout_features = ["*"]  # keep vertical and full-width forms
    options.name_IDs = ["*"]  # keep copyright and licence
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # print at fixed sizes needs no hints; keeps the file small
    font = ft_subset.load_font(str(source), options)
    version = font["name"].getDebugName(5) or "unknown version"
    cmap = font.getBestCmap()
    points = sorted(ord(c) for c in wanted_text() if ord(c) in cmap)
    cutter = ft_subset.Subsetter(options)
    cutter.populate(unicodes=points)
    cutter.subset(font)
    rename(font, cut, version.split(";")[0])
    font.recalcTimestamp = False  # reproducible: keep the source's head.modified
    out.parent.mkdir(parents=True, exist_ok=True)
    ft_subset.save_font(font, str(out), options)
    print(f"{len(points)} characters, {out.stat().st_size:,} bytes -> {out}")
    for path in (source, out):
        print(f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("face", choices=sorted(CUTS), help="kai (楷体) or fang (仿宋)")
    parser.add_argument(
        "source", type=Path, help="LXGWWenKai-Regular.ttf or FandolFang-Regular.otf"
    )
    parser.add_argument("--out", type=Path, help="default: font_files/ of the package")
    args = parser.parse_args()
    cut = CUTS[args.face]
    cut_face(cut, args.source, args.out or FONT_FILES / cut.out)


if __name__ == "__main__":
    main()

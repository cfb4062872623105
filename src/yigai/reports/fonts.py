"""CJK fonts (中文字体) for charts and PDF, shipped with the project's own set-up.

The faces come from the PyPI package ``mplfonts`` (a dependency in pyproject.toml), which
carries Google's Noto CJK SC files under the SIL Open Font License: Noto Sans CJK SC for
charts and headings, Noto Serif CJK SC standing in for 仿宋/宋体 in the PDF body. Nothing is
asked of the operating system, so a machine with only Python on it draws Chinese.

The package is located with :func:`importlib.util.find_spec` and never imported: importing it
may change matplotlib's configuration. Its ``SimHei.ttf`` is not used (not freely licensed).

Charts: :func:`chart_font` registers the file with matplotlib's font manager directly
(``addfont``), so a font cache built before the font arrived does not matter. PDF:
:func:`shipped_face` gives the file that the print CSS names with ``@font-face``. When the
files cannot be found the error says what to run, and the CLI ends with exit code 1.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

Kind = Literal["sans", "serif"]

#: The package that ships the font files, and the files used from it (both SIL OFL 1.1).
FONT_PACKAGE = "mplfonts"
SHIPPED_FILES: dict[Kind, str] = {
    "sans": "NotoSansCJKsc-Regular.otf",
    "serif": "NotoSerifCJKsc-Regular.otf",
}
#: Family names under which the PDF's ``@font-face`` rules load the shipped files. They are
#: the project's own, so fontconfig can never answer them with another installed face.
PDF_FAMILIES: dict[Kind, str] = {
    "sans": "yigai Noto Sans CJK SC",
    "serif": "yigai Noto Serif CJK SC",
}

#: Fonts named in DOCX runs (East Asian slot), as GB/T 9704-2012 asks: body 仿宋, headings
#: 黑体 / 楷体, title 小标宋. A DOCX names its fonts and embeds none: these are the faces a
#: Chinese Windows office has, and Word substitutes its own where one is missing.
DOCX_BODY = "仿宋"
DOCX_HEADING = "黑体"
DOCX_SUBHEADING = "楷体"
DOCX_TITLE = "方正小标宋简体"
DOCX_LATIN = "Times New Roman"


class FontMissingError(RuntimeError):
    """The CJK fonts are missing (or lack a glyph); Chinese text would render as empty boxes."""


@dataclass(frozen=True)
class Face:
    """One shipped font file (``kind`` says which) as the PDF's print CSS loads it."""

    kind: Kind
    path: Path

    @property
    def pdf_family(self) -> str:
        return PDF_FAMILIES[self.kind]

    @property
    def url(self) -> str:
        """The ``src: url(...)`` of the PDF's ``@font-face`` rule."""
        return self.path.resolve().as_uri()


def shipped_font_dir() -> Path | None:
    """The ``fonts`` folder of the installed ``mplfonts`` package, or None without it."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


def shipped_face(kind: Kind) -> Face:
    """The shipped file of ``kind``; a clear, bilingual error when it is not installed."""
    folder = shipped_font_dir()
    path = None if folder is None else folder / SHIPPED_FILES[kind]
    if path is None or not path.is_file():
        zh, en = f"未安装 {FONT_PACKAGE}", f"{FONT_PACKAGE} is not installed"
        if path is not None:
            zh, en = f"缺少文件 {path}", f"missing file {path}"
        raise FontMissingError(
            f"未找到随项目安装的中文字体 {SHIPPED_FILES[kind]}（{zh}），图表与 PDF 中的中文"
            f"将无法显示；请运行 make setup，或 .venv/bin/pip install {FONT_PACKAGE} / "
            f"the CJK font {SHIPPED_FILES[kind]} that the project's set-up installs was not "
            f"found ({en}); Chinese text would render as empty boxes: run `make setup` or "
            f"`.venv/bin/pip install {FONT_PACKAGE}`"
        )
    return Face(kind, path)


@cache
def chart_font(kind: Kind = "sans") -> tuple[str, Path]:
    """The shipped face registered with matplotlib: (family name as matplotlib knows it, file).

    ``addfont`` puts the file into the running font manager whatever its cached list holds;
    matplotlib is imported here so that the CLI pays for it only when drawing.
    """
    from matplotlib import font_manager

    face = shipped_face(kind)
    manager = font_manager.fontManager
    if not any(Path(f.fname) == face.path for f in manager.ttflist):
        manager.addfont(str(face.path))
    return font_manager.FontProperties(fname=str(face.path)).get_name(), face.path

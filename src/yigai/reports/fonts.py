"""CJK fonts (中文字体) for charts and PDF, shipped with the project's own set-up.

Four faces ship, so nothing is asked of the operating system:

* Noto Sans CJK SC and Noto Serif CJK SC (SIL OFL) from the PyPI package ``mplfonts`` (a
  dependency in pyproject.toml): Sans for charts and the 黑体 headings, Serif for the 小标宋
  title, page numbers and any character the other faces lack;
* in ``font_files/`` of this package, cut by ``scripts/cut-font.py`` (``font_files/README.md``
  says where each came from): a subset of LXGW WenKai 霞鹜文楷 (SIL OFL) for the 楷体 （一）
  headings, renamed "yigai WenKai" (the OFL reserves "LXGW" and "霞鹜" for unmodified fonts),
  and a subset of FandolFang (Fandol 0.3, GPL v3 with the font exception) for the 仿宋 body,
  renamed "yigai FandolFang" so fontconfig never answers it with an installed FandolFang.

A deployment that holds a licensed 仿宋 file (a county office's 仿宋_GB2312.ttf) may name it
in ``YIGAI_FONT_FANGSONG``: :func:`fangsong_face` checks that it is a font covering every
character the report wording can print, and the PDF body is set in it instead of FandolFang;
the PDF's document properties say which face set the body (:meth:`PrintFonts.description`).

The mplfonts package is located with :func:`importlib.util.find_spec` and never imported:
importing it may change matplotlib's configuration. Its ``SimHei.ttf`` is not used (not freely
licensed). Charts: :func:`chart_font` registers the file with matplotlib's font manager directly
(``addfont``), so a font cache built before the font arrived does not matter. PDF:
:func:`print_fonts` gives the files that the print CSS names with ``@font-face``. When a file
cannot be found, or the 仿宋 setting is wrong, the error says what to do, and the CLI ends with
exit code 1.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, NoReturn

#: ``fang`` is the shipped 仿宋 subset, ``fangsong`` a deployment's own 仿宋 file.
Kind = Literal["sans", "serif", "kai", "fang", "fangsong"]

#: The package that ships the Noto files, and the files used from it (both SIL OFL 1.1).
FONT_PACKAGE = "mplfonts"
SHIPPED_FILES: dict[Kind, str] = {
    "sans": "NotoSansCJKsc-Regular.otf",
    "serif": "NotoSerifCJKsc-Regular.otf",
}
#: This package's own font folder (not ``fonts/``: that name is this module's) and the 楷体
#: and 仿宋 subsets in it, cut by ``scripts/cut-font.py``.
FONT_FILES = Path(__file__).parent / "font_files"
KAI_FILE = "YigaiWenKai-Regular.ttf"
FANG_FILE = "YigaiFandolFang-Regular.otf"
OWN_FILES: dict[Kind, str] = {"kai": KAI_FILE, "fang": FANG_FILE}
#: Family names under which the PDF's ``@font-face`` rules load the files. They are the
#: project's own, so fontconfig can never answer them with another installed face.
PDF_FAMILIES: dict[Kind, str] = {
    "sans": "yigai Noto Sans CJK SC",
    "serif": "yigai Noto Serif CJK SC",
    "kai": "yigai WenKai",
    "fang": "yigai FandolFang",
    "fangsong": "yigai FangSong",
}
#: Names in the PDF's document properties (a deployment's 仿宋 by its file name).
FACE_NAMES: dict[Kind, str] = {
    "sans": "Noto Sans CJK SC",
    "serif": "Noto Serif CJK SC",
    "kai": "yigai WenKai（霞鹜文楷 LXGW WenKai 子集 subset）",
    "fang": "yigai FandolFang（FandolFang 仿宋子集 subset）",
}
#: The deployment setting naming a licensed 仿宋 file for the PDF body.
FANGSONG_ENV = "YIGAI_FONT_FANGSONG"

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


class FontSettingError(FontMissingError):
    """The 仿宋 file named by :data:`FANGSONG_ENV` is missing, not a font, or lacks glyphs."""


@dataclass(frozen=True)
class Face:
    """One font file (``kind`` says which) as the PDF's print CSS loads it."""

    kind: Kind
    path: Path

    @property
    def pdf_family(self) -> str:
        return PDF_FAMILIES[self.kind]

    @property
    def url(self) -> str:
        """The ``src: url(...)`` of the PDF's ``@font-face`` rule."""
        return self.path.resolve().as_uri()

    @property
    def name(self) -> str:
        return FACE_NAMES.get(self.kind) or f"仿宋 {self.path.name}"


def shipped_font_dir() -> Path | None:
    """The ``fonts`` folder of the installed ``mplfonts`` package, or None without it."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


def shipped_face(kind: Kind) -> Face:
    """The shipped file of ``kind``; a clear, bilingual error when it is not installed."""
    if kind in OWN_FILES:
        return _own_face(kind, FONT_FILES / OWN_FILES[kind])
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


def _own_face(kind: Kind, path: Path) -> Face:
    """A file committed with this package: missing only from a broken install."""
    if not path.is_file():
        raise FontMissingError(
            f"缺少随软件包提供的字体文件 {path}；请重新安装 yigai（make setup）/ "
            f"the font file {path} that ships with the package is missing: reinstall yigai "
            "(`make setup`)"
        )
    return Face(kind, path)


@cache
def report_wording() -> frozenset[str]:
    """Every character the report templates and wording can print by themselves (data such
    as unit names aside): see :func:`wording_of`."""
    return wording_of(Path(__file__).parent)


def wording_of(root: Path) -> frozenset[str]:
    """The characters of ``root``'s Jinja templates and YAML data, and of the string literals
    of its modules (docstrings left out: they are never printed), controls aside."""
    chars: set[str] = set()
    for path in [*root.glob("templates/*.j2"), *root.rglob("data/**/*.yaml")]:
        chars.update(path.read_text(encoding="utf-8"))
    for path in root.glob("*.py"):
        for text in _literal_text(path.read_text(encoding="utf-8")):
            chars.update(text)
    return frozenset(c for c in chars if unicodedata.category(c)[0] != "C")


def _literal_text(source: str) -> Iterator[str]:
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.value


def cjk_wording() -> frozenset[str]:
    """The report wording's Chinese characters and CJK/full-width punctuation, which a 仿宋
    file must have (Latin letters and symbols fall back to the serif face unnoticed)."""
    return frozenset(c for c in report_wording() if ord(c) >= 0x2E80)


def font_codepoints(path: Path) -> frozenset[int]:
    """The code points ``path`` has glyphs for; :class:`ValueError` if it is not a font."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        # fontNumber picks the first face of a collection (.ttc); ignored for single fonts
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or ())
    except (TTLibError, OSError, KeyError, AssertionError, ValueError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from exc


def fangsong_face() -> Face | None:
    """The licensed 仿宋 file named by ``$YIGAI_FONT_FANGSONG``, checked; None when unset."""
    configured = os.environ.get(FANGSONG_ENV, "").strip()
    if not configured:
        return None
    path = Path(configured).expanduser()
    if not path.is_file():
        _setting_error(path, "文件不存在", "no such file")
    stat = path.stat()
    problem = _fangsong_problem(path.resolve(), stat.st_size, stat.st_mtime_ns)
    if problem:
        _setting_error(path, *problem)
    return Face("fangsong", path)


@cache
def _fangsong_problem(path: Path, size: int, mtime_ns: int) -> tuple[str, str] | None:
    """What is wrong with the 仿宋 file, or None; checked once per file version."""
    del size, mtime_ns  # part of the cache key only: a replaced file is checked again
    try:
        points = font_codepoints(path)
    except ValueError as exc:
        return (
            f"不是可读取的字体文件（TTF/OTF/TTC）：{exc}",
            f"not a readable font file (TTF/OTF/TTC): {exc}",
        )
    missing = sorted(c for c in cjk_wording() if ord(c) not in points)
    if not missing:
        return None
    shown = "".join(missing[:30]) + ("…" if len(missing) > 30 else "")
    return (
        f"缺少报告用字 {len(missing)} 个：{shown}",
        f"lacks {len(missing)} characters the report prints: {shown}",
    )


def _setting_error(path: Path, zh: str, en: str) -> NoReturn:
    raise FontSettingError(
        f"{FANGSONG_ENV}={path}：{zh}；请指向一个覆盖报告用字的仿宋字体文件，或删除该设置"
        f"（正文改用随软件包提供的 FandolFang 仿宋）/ {FANGSONG_ENV}={path}: {en}; point it "
        "to a 仿宋 font file covering the report's characters, or unset it (the body then "
        "uses the shipped FandolFang)"
    )


@dataclass(frozen=True)
class PrintFonts:
    """The PDF's faces: ``body`` is the configured 仿宋, else the shipped FandolFang."""

    serif: Face
    sans: Face
    kai: Face
    fang: Face
    fangsong: Face | None = None

    @property
    def body(self) -> Face:
        return self.fangsong or self.fang

    def __iter__(self) -> Iterator[Face]:
        """Each face the PDF uses, once, for the ``@font-face`` rules (FandolFang is left out
        when a configured 仿宋 replaces it: WeasyPrint would load it for nothing)."""
        yield from (self.serif, self.sans, self.kai, self.body)

    def description(self) -> str:
        """Which faces set which text, for the PDF's document properties."""
        why = f"（{FANGSONG_ENV}）" if self.fangsong else ""
        return (
            f"字体 fonts：正文 body {self.body.name}{why}；"
            f"标题 title {self.serif.name}；一、标题 headings {self.sans.name}；"
            f"（一）标题 sub-headings {self.kai.name}"
        )


def print_fonts() -> PrintFonts:
    """The PDF's faces, every file found and the 仿宋 setting checked (else a clear error)."""
    return PrintFonts(
        serif=shipped_face("serif"),
        sans=shipped_face("sans"),
        kai=shipped_face("kai"),
        fang=shipped_face("fang"),
        fangsong=fangsong_face(),
    )


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

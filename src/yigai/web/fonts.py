"""网页字体子集 (the pages' font subset): the characters the app can show, cut from the shipped
Noto Sans CJK SC, so the first page fetches about 1.5 MB instead of 16 MB.

The subset holds every character of the package's own text files (templates, the i18n
catalogue, code labels, indicator and assessment YAML, library messages), the org-unit
names of the data, printable ASCII, GB2312's symbol rows and its 3,755 level-1 hanzi
(常用字, rows 0xB0–0xD7, generated from the codec) so that text users type mostly renders
from it too. It is built once, at first use, into a cache folder (never committed), under a
name keyed by the source font's hash and the character set, so a new font or a renamed unit
gives a new file and a browser never keeps a stale one.

The full font stays the fallback: the faces' CSS (:func:`faces_css`) declares the full face
first without ``unicode-range`` and the subset after it with its exact ``unicode-range``.
CSS checks the last-declared face first, so a character in the subset is drawn from it and
only a page showing a character outside it ever fetches the full file.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from yigai.reports.fonts import shipped_face

FAMILY = "yigai Noto Sans CJK SC"
FULL_FILE = "NotoSansCJKsc-Regular.otf"
FULL_URL = f"/static/fonts/{FULL_FILE}"
#: Bumped when the way a subset is cut changes, so old cached files are not reused.
RECIPE = "1"
#: Text files of the package whose characters the pages can show.
TEXT_SUFFIXES = frozenset({".py", ".yaml", ".yml", ".html", ".j2", ".txt", ".md"})
#: GB2312 rows: 0xA1–0xA9 punctuation, full-width forms, kana, Greek, Cyrillic, box
#: drawing; 0xB0–0xD7 level-1 hanzi.
GB2312_ROWS = (*range(0xA1, 0xAA), *range(0xB0, 0xD8))
#: Characters the browser draws itself in our face: the password field's mask (•, which
#: GB2312 lacks: without it every log-in fetched the full font) and text-overflow's ellipsis.
BROWSER_CHARS = "\u2022\u2026"

_lock = threading.Lock()


def cache_dir() -> Path:
    """Where subsets are kept: ``$YIGAI_FONT_CACHE``, else the user's cache folder."""
    configured = os.environ.get("YIGAI_FONT_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "yigai" / "fonts"


def gb2312_common(rows: Iterable[int] = GB2312_ROWS) -> str:
    """GB2312's symbol rows and level-1 hanzi (or the given ``rows``), decoded from every
    two-byte code."""
    chars = []
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # holes in the table
    return "".join(chars)


@cache
def package_text() -> frozenset[str]:
    """Every character in the package's text files (vendored scripts aside)."""
    root = Path(str(files("yigai")))
    found: set[str] = set()
    for path in root.rglob("*"):
        if path.suffix in TEXT_SUFFIXES and "vendor" not in path.parts and path.is_file():
            found.update(path.read_text(encoding="utf-8", errors="ignore"))
    return frozenset(found)


@cache
def _base_chars() -> frozenset[str]:
    ascii_ = "".join(chr(c) for c in range(0x20, 0x7F))
    return package_text() | frozenset(gb2312_common() + ascii_ + "\u00a0" + BROWSER_CHARS)


@dataclass(frozen=True)
class Source:
    path: Path
    digest: str  # sha256 of the file
    cmap: frozenset[int]  # the code points it has glyphs for


@cache
def _source_at(path: Path, size: int, mtime_ns: int) -> Source:
    from fontTools.ttLib import TTFont

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with TTFont(str(path), lazy=True) as font:
        cmap = frozenset(font.getBestCmap())
    return Source(path, digest, cmap)


def source() -> Source:
    """The shipped Sans face, hashed once per process (and again if the file changes)."""
    path = shipped_face("sans").path
    stat = path.stat()
    return _source_at(path, stat.st_size, stat.st_mtime_ns)


def woff2() -> bool:
    """WOFF2 needs ``brotli``; without it the subset is WOFF (zlib), a little larger."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Subset:
    """One subset: the code points it covers and the name it is cached and served under."""

    key: str
    codepoints: tuple[int, ...]
    flavor: str  # "woff2" or "woff"

    @property
    def name(self) -> str:
        return f"subset-{self.key}.{self.flavor}"

    @property
    def url(self) -> str:
        return f"/static/fonts/{self.name}"

    @property
    def css_url(self) -> str:
        return f"/static/fonts/faces-{self.key}.css"

    @property
    def path(self) -> Path:
        return cache_dir() / self.name


@cache
def _subset_of(names: frozenset[str]) -> Subset:
    src = source()
    wanted = set(_base_chars())
    for name in names:
        wanted.update(name)
    # control characters are never drawn; leaving them out keeps the range's runs whole
    points = tuple(sorted(c for c in map(ord, wanted) if c in src.cmap and not _control(c)))
    flavor = "woff2" if woff2() else "woff"
    key = hashlib.sha256(
        f"{RECIPE}|{flavor}|{src.digest}|".encode() + ",".join(map(str, points)).encode()
    ).hexdigest()[:20]
    return Subset(key, points, flavor)


def _control(point: int) -> bool:
    return point < 0x20 or 0x7F <= point < 0xA0


def subset_for(names: Iterable[str] = ()) -> Subset:
    """The subset for the app's texts plus ``names`` (the org units' names)."""
    return _subset_of(frozenset(names))


def build(subset: Subset) -> Path:
    """The subset's file, cut now if it is not in the cache yet (tens of seconds, once)."""
    if subset.path.is_file():
        return subset.path
    with _lock:
        if subset.path.is_file():
            return subset.path
        from fontTools import subset as ft_subset

        options = ft_subset.Options()
        options.flavor = subset.flavor
        options.layout_features = ["*"]  # keep vertical forms, full-width punctuation etc.
        options.name_IDs = ["*"]  # keep the licence and copyright names (SIL OFL)
        options.notdef_outline = True
        font = ft_subset.load_font(str(source().path), options)
        cutter = ft_subset.Subsetter(options)
        cutter.populate(unicodes=subset.codepoints)
        cutter.subset(font)
        subset.path.parent.mkdir(parents=True, exist_ok=True)
        partial = subset.path.with_suffix(f".{os.getpid()}.part")
        ft_subset.save_font(font, str(partial), options)
        partial.replace(subset.path)  # atomic: a reader never sees half a font
    return subset.path


def unicode_range(points: Iterable[int]) -> str:
    """Code points as a CSS ``unicode-range`` (runs joined: ``U+20-7E, U+4E00``)."""
    runs: list[list[int]] = []
    for point in sorted(points):
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def faces_css(subset: Subset, version: str) -> str:
    """The two faces of :data:`FAMILY`: the full font, then the subset (checked first)."""
    kind = "woff2" if subset.flavor == "woff2" else "woff"
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-display: swap;\n'
        f'  src: url("{FULL_URL}?v={version}") format("opentype"); }}\n'
        f'@font-face {{ font-family: "{FAMILY}"; font-display: swap;\n'
        f'  src: url("{subset.url}") format("{kind}");\n'
        f"  unicode-range: {unicode_range(subset.codepoints)}; }}\n"
    )

"""CJK fonts (中文字体) for charts and PDF.

Charts must never render tofu (□): :func:`cjk_font` finds an installed CJK font through
matplotlib's font manager and raises a clear error when none is installed (Debian:
``apt install fonts-noto-cjk``). The family names below are also the CSS fallbacks of the
HTML/PDF rendering, so every format uses the same faces.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from matplotlib import font_manager

#: Preferred sans-serif faces for charts and headings, most wanted first.
SANS_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei")
#: Serif faces standing in for 仿宋 (FangSong) in the PDF body.
SERIF_FAMILIES = ("Noto Serif CJK SC", "Source Han Serif SC", "Noto Serif SC")

#: Fonts named in DOCX runs (East Asian slot), as GB/T 9704-2012 asks: body 仿宋, headings
#: 黑体 / 楷体, title 小标宋. Word substitutes its own faces when these are not installed.
DOCX_BODY = "仿宋"
DOCX_HEADING = "黑体"
DOCX_SUBHEADING = "楷体"
DOCX_TITLE = "方正小标宋简体"
DOCX_LATIN = "Times New Roman"


class FontMissingError(RuntimeError):
    """No CJK font is installed; Chinese text would render as empty boxes."""


@cache
def cjk_font(families: tuple[str, ...] = SANS_FAMILIES) -> tuple[str, Path]:
    """The first installed family of ``families``: (family name, font file)."""
    installed = {f.name: Path(f.fname) for f in font_manager.fontManager.ttflist}
    for family in families:
        if family in installed:
            return family, installed[family]
    raise FontMissingError(
        "未找到中文字体（需要 " + "、".join(families) + " 之一），图表中的中文将无法显示；"
        "请安装 fonts-noto-cjk / no CJK font found (need one of "
        + ", ".join(families)
        + "); Chinese text would render as tofu: install fonts-noto-cjk"
    )

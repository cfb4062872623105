"""CJK font lookup: an installed face is found; none installed is a loud, bilingual error."""

from __future__ import annotations

import pytest

from yigai.reports.fonts import SANS_FAMILIES, SERIF_FAMILIES, FontMissingError, cjk_font


def test_noto_sans_cjk_is_found_for_charts():
    family, path = cjk_font(SANS_FAMILIES)
    assert "CJK" in family and path.is_file()


def test_noto_serif_cjk_stands_in_for_fangsong():
    family, _ = cjk_font(SERIF_FAMILIES)
    assert family.startswith("Noto Serif CJK")


def test_no_cjk_font_is_a_clear_error_not_tofu():
    with pytest.raises(
        FontMissingError, match=r"未找到中文字体.*fonts-noto-cjk.*no CJK font found"
    ):
        cjk_font(("No Such Font SC",))

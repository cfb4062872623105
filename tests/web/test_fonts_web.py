"""The pages' font subset (yigai.web.fonts): what it holds, its size, and how the pages load
it with the full font as the fallback.

The subset is cut once into the font cache (keyed by the source font's hash and the
character set), so only the first run on a machine pays the tens of seconds it takes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import County, log_in

from yigai.auth import Role
from yigai.web import fonts, i18n

TEMPLATES = Path(fonts.__file__).parent / "templates"
CONTROL = {"\n", "\r", "\t"}  # never drawn


def _catalogue_text() -> str:
    def walk(node: object) -> str:
        if isinstance(node, dict):
            return "".join(walk(k) + walk(v) for k, v in node.items())
        if isinstance(node, list):
            return "".join(map(walk, node))
        return str(node)

    return walk(i18n.catalogue())


@pytest.fixture(scope="module")
def built(template_county: County) -> tuple[fonts.Subset, set[int]]:
    """The subset the test county's pages name (its texts and its units' names), cut."""
    from fontTools.ttLib import TTFont

    subset = fonts.subset_for(u.name for u in template_county.orgs.info.values())
    path = fonts.build(subset)
    with TTFont(str(path)) as font:
        return subset, set(font.getBestCmap())


def test_subset_holds_yi_gai_and_every_template_and_catalogue_character(built) -> None:
    _subset, cmap = built
    shown = (
        "医改"
        + _catalogue_text()
        + "".join(p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*.html"))
    )
    has_glyph = fonts.source().cmap
    missing = sorted({c for c in shown if ord(c) in has_glyph and ord(c) not in cmap} - CONTROL)
    assert missing == []
    assert {ord("医"), ord("改")} <= cmap


def test_subset_file_is_under_two_megabytes(built) -> None:
    subset, _cmap = built
    assert subset.path.stat().st_size < 2_000_000


def test_gb2312_level_one_hanzi_are_all_3755_in_the_subset(built) -> None:
    _subset, cmap = built
    hanzi = [c for c in fonts.gb2312_common() if "\u4e00" <= c <= "\u9fff"]
    assert len(hanzi) == 3755 and hanzi[0] == "啊" and hanzi[-1] == "座"
    assert not [c for c in hanzi if ord(c) not in cmap]


def test_org_unit_names_add_their_characters() -> None:
    base = set(fonts.subset_for([]).codepoints)
    has_glyph = fonts.source().cmap
    rare = next(
        c for c in map(chr, range(0x4E00, 0x9FA6)) if ord(c) in has_glyph and ord(c) not in base
    )
    named = fonts.subset_for([f"{rare}家村卫生室"])
    assert ord(rare) in named.codepoints and named.key != fonts.subset_for([]).key


def test_password_mask_is_in_the_subset() -> None:
    """Chromium masks a password with • (U+2022, not in GB2312): outside the subset, every
    log-in page fetched the whole 16 MB font."""
    assert 0x2022 in fonts.subset_for([]).codepoints


def test_unicode_range_joins_runs() -> None:
    assert fonts.unicode_range([0x41, 0x20, 0x42, 0x43, 0x4E00]) == "U+20, U+41-43, U+4E00"


def test_page_loads_the_subset_with_the_full_font_declared_first(county: County, built) -> None:
    with TestClient(county.app(), follow_redirects=False) as client:
        log_in(client, Role.VILLAGE_DOCTOR)
        html = client.get("/worklist").text
        css_url = re.search(r'href="(/static/fonts/faces-[0-9a-f]+\.css)"', html)
        assert css_url is not None
        assert f'href="{css_url.group(1).replace("faces-", "subset-")[:-4]}' in html  # preload
        css = client.get(css_url.group(1))
        font_url = re.search(r'url\("(/static/fonts/subset-[^"]+)"\)', css.text).group(1)
        served = client.get(font_url)
    assert css.headers["cache-control"].startswith("public, max-age=31536000")
    faces = css.text.split("@font-face")[1:]
    # the last-declared face is checked first: the subset, with its exact range
    assert fonts.FULL_URL in faces[0] and "unicode-range" not in faces[0]
    assert "subset-" in faces[1] and "unicode-range: U+20-7E" in faces[1]
    assert served.status_code == 200 and served.headers["content-type"] == "font/woff2"
    assert len(served.content) < 2_000_000


def test_a_subset_key_the_pages_do_not_name_is_not_cut(county: County) -> None:
    with TestClient(county.app(), follow_redirects=False) as client:
        r = client.get("/static/fonts/subset-0123456789abcdef0123.woff2")
        css = client.get("/static/fonts/faces-0123456789abcdef0123.css")
    assert r.status_code == 404 and css.status_code == 404

"""Static files of the pages, from the package (no CDN): CSS, the vendored ECharts, the font.

The CJK font is the ``mplfonts`` package's Noto Sans CJK SC (SIL OFL, located by
:func:`yigai.reports.fonts.shipped_face`), served at ``/static/fonts/``: a bare machine's
browser has no Chinese font, and a page must never show empty boxes (豆腐块). Pages load a
subset of it (:mod:`yigai.web.fonts`, about 1.5 MB) and fall back to the whole 16 MB file
only for a character outside the subset. Fonts and the vendored scripts are cached for a
year: the subset's name carries its hash, the others' a new release changes
``ASSET_VERSION`` in the URLs instead.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from yigai.errors import NotFound
from yigai.reports.fonts import shipped_face
from yigai.web import fonts

router = APIRouter(include_in_schema=False)

ROOT = Path(str(files("yigai.web").joinpath("static")))
FONT_FILE = "NotoSansCJKsc-Regular.otf"
#: Appended to asset URLs (``?v=``) so a release with new assets is never served stale ones.
ASSET_VERSION = "1"
YEAR = "public, max-age=31536000, immutable"
TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".otf": "font/otf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}


def _missing() -> NotFound:
    return NotFound("文件不存在", "no such file")


@router.get("/static/fonts/" + FONT_FILE)
def font() -> FileResponse:
    return FileResponse(
        shipped_face("sans").path, media_type="font/otf", headers={"Cache-Control": YEAR}
    )


def page_subset(request: Request) -> fonts.Subset:
    """The font subset of this app's pages: its texts plus the names of its org units."""
    orgs = request.app.state.yigai.orgs
    return fonts.subset_for(u.name for u in orgs.info.values())


def _current(request: Request, key: str) -> fonts.Subset:
    # only the subset the pages name now is served (no subset is cut for an arbitrary key)
    subset = page_subset(request)
    if key != subset.key:
        raise _missing()
    return subset


@router.get("/static/fonts/faces-{key}.css")
def font_faces(request: Request, key: str) -> Response:
    css = fonts.faces_css(_current(request, key), ASSET_VERSION)
    return Response(css, media_type="text/css", headers={"Cache-Control": YEAR})


@router.get("/static/fonts/subset-{key}.{flavor}")
def font_subset(request: Request, key: str, flavor: str) -> FileResponse:
    subset = _current(request, key)
    if flavor != subset.flavor:
        raise _missing()
    path = fonts.build(subset)  # cut once, then from the cache folder
    return FileResponse(path, media_type=TYPES[f".{flavor}"], headers={"Cache-Control": YEAR})


@router.get("/static/{name:path}")
def asset(name: str) -> FileResponse:
    path = (ROOT / name).resolve()
    if not path.is_relative_to(ROOT.resolve()) or not path.is_file():
        raise _missing()
    media = TYPES.get(path.suffix, "text/plain")
    return FileResponse(path, media_type=media, headers={"Cache-Control": YEAR})

"""Static files of the pages, from the package (no CDN): CSS, the vendored ECharts, the font.

The CJK font is the ``mplfonts`` package's Noto Sans CJK SC (SIL OFL, located by
:func:`yigai.reports.fonts.shipped_face`), served at ``/static/fonts/``: a bare machine's
browser has no Chinese font, and a page must never show empty boxes (豆腐块). The file is
16 MB, so it and the vendored scripts are cached for a year (their names carry no version,
so a new release changes ``ASSET_VERSION`` in the URLs instead).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from yigai.errors import NotFound
from yigai.reports.fonts import shipped_face

router = APIRouter(include_in_schema=False)

ROOT = Path(str(files("yigai.web").joinpath("static")))
FONT_FILE = "NotoSansCJKsc-Regular.otf"
#: Appended to asset URLs (``?v=``) so a release with new assets is never served stale ones.
ASSET_VERSION = "1"
YEAR = "public, max-age=31536000, immutable"
TYPES = {".css": "text/css", ".js": "text/javascript", ".otf": "font/otf"}


def _missing() -> NotFound:
    return NotFound("文件不存在", "no such file")


@router.get("/static/fonts/" + FONT_FILE)
def font() -> FileResponse:
    return FileResponse(
        shipped_face("sans").path, media_type="font/otf", headers={"Cache-Control": YEAR}
    )


@router.get("/static/{name:path}")
def asset(name: str) -> FileResponse:
    path = (ROOT / name).resolve()
    if not path.is_relative_to(ROOT.resolve()) or not path.is_file():
        raise _missing()
    media = TYPES.get(path.suffix, "text/plain")
    return FileResponse(path, media_type=media, headers={"Cache-Control": YEAR})

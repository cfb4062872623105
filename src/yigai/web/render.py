"""Rendering a page: the Jinja environment, the language of the request, the error page."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from yigai.auth.principal import Principal
from yigai.community._common import CHINA, aware
from yigai.errors import UserError
from yigai.sources import cite
from yigai.web import i18n
from yigai.web.session import COOKIE, csrf_token
from yigai.web.static import page_subset


def local_time(moment: dt.datetime | None) -> str:
    """An instant as a clock in China (stored instants are UTC), to the minute."""
    if moment is None:
        return "—"
    return aware(moment).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


@cache
def env() -> Environment:
    environment = Environment(
        loader=PackageLoader("yigai.web", "templates"),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["local"] = local_time
    # stored references name internal labels and notes; readers see the document (issue 14 §3)
    environment.filters["cite"] = cite
    return environment


def lang_of(request: Request) -> str:
    return i18n.pick(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))


def switch_url(request: Request, lang: str) -> str:
    """The current page in the other language."""
    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    query["lang"] = "en" if lang == "zh" else "zh"
    return f"{request.url.path}?{urlencode(query)}"


def page(
    request: Request,
    template: str,
    me: Principal | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = lang_of(request)
    token = request.cookies.get(COOKIE)
    html = (
        env()
        .get_template(template)
        .render(
            t=i18n.Texts(lang),
            lang=lang,
            me=me,
            csrf=csrf_token(token) if token and me is not None else "",
            switch_url=switch_url(request, lang),
            path=request.url.path,
            font=page_subset(request),
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in i18n.LANGS:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, samesite="lax")
    response.headers["Cache-Control"] = "no-store"  # pages carry personal data
    return response


def to_login(request: Request) -> RedirectResponse:
    """Back to the log-in page, remembering where the user was going (same site only)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)


def error_page(request: Request, exc: UserError, me: Principal | None = None) -> HTMLResponse:
    """A refusal as a page: 404 for missing or out of scope (never says which), 403, 409, 422."""
    key = {404: "not_found", 403: "forbidden"}.get(exc.status)
    return page(request, "error.html", me, status=exc.status, key=key, exc=exc)

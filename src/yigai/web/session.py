"""The browser's session: an HttpOnly cookie holding the yigai.auth session token, and CSRF.

The cookie carries the same opaque token as an API log-in (:func:`yigai.auth.sessions.login`),
so expiry, log-out and lock-out are the auth library's, not the pages'. It is ``HttpOnly``
(no script reads it), ``SameSite=Lax`` (a link from elsewhere still opens a page, a form
posted from elsewhere carries no cookie) and ``Secure`` wherever browsers allow it: over
HTTPS and on loopback (browsers treat ``localhost``/``127.0.0.1`` as secure).

Every form post carries a CSRF token in a hidden field: an HMAC of the session token, so it
is per session, needs no storage, and cannot be computed by a page that cannot read the
cookie. The log-in form, posted before any session exists, uses a double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response
from sqlalchemy.orm import Session

from yigai.auth.principal import Principal
from yigai.auth.sessions import principal_for
from yigai.errors import Forbidden, Unauthorized
from yigai.service.context import ServiceContext
from yigai.web.forms import Form

COOKIE = "yigai_web"
LOGIN_CSRF = "yigai_login_csrf"
LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


def secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.url.hostname in LOOPBACK


def set_session(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=max(max_age, 0),
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def token_of(request: Request) -> str:
    token = request.cookies.get(COOKIE)
    if not token:
        raise Unauthorized("请先登录", "log in first")
    return token


def principal(request: Request, ctx: ServiceContext, db: Session) -> Principal:
    """The logged-in user of a page request (Unauthorized → the pages redirect to log-in)."""
    return principal_for(db, token_of(request), ctx.clock(), ctx.orgs)


def csrf_token(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"yigai-web-csrf", hashlib.sha256).hexdigest()


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse (403) a form post whose hidden token is not this session's."""
    expected = csrf_token(token_of(request))
    if not submitted or not hmac.compare_digest(expected, submitted):
        raise Forbidden("表单已失效，请刷新页面后重新提交", "form expired: reload and submit again")


async def posted(request: Request, ctx: ServiceContext, db: Session) -> tuple[Form, Principal]:
    """A form post's fields and its logged-in user, its CSRF token checked (403 otherwise)."""
    form = await Form.read(request)
    me = principal(request, ctx, db)
    check_csrf(request, form.get("csrf"))
    return form, me


def login_csrf(request: Request) -> str:
    """The log-in form's double-submit token (kept if the browser already has one)."""
    return request.cookies.get(LOGIN_CSRF) or secrets.token_urlsafe(24)


def check_login_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(LOGIN_CSRF)
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        raise Forbidden("表单已失效，请刷新页面后重新提交", "form expired: reload and submit again")

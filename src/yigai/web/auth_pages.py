"""Log-in and log-out pages, through the auth library's sessions (the API's own)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from yigai.auth.sessions import login, logout
from yigai.errors import UserError
from yigai.service.deps import Ctx, Db
from yigai.web.forms import Form
from yigai.web.guard import guarded
from yigai.web.render import page
from yigai.web.session import (
    LOGIN_CSRF,
    check_csrf,
    check_login_csrf,
    clear_session,
    login_csrf,
    secure,
    set_session,
    token_of,
)

router = APIRouter(include_in_schema=False)


def _next(target: str | None) -> str:
    """Only a path of this site (``/…``, not ``//host``): never an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _login_page(request: Request, status: int = 200, **context: object) -> Response:
    token = login_csrf(request)
    response = page(request, "login.html", status=status, login_csrf=token, **context)
    response.set_cookie(
        LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure(request), path="/login"
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next=_next(next))


@router.post("/login")
async def login_post(request: Request, ctx: Ctx, db: Db) -> Response:
    form = await Form.read(request)
    target = _next(form.get("next"))
    username = form.get("username")
    try:
        check_login_csrf(request, form.get("csrf"))
        logged = login(db, username, form.fields.get("password", ""), ctx.clock())
    except UserError as exc:
        db.rollback()  # login() commits a failed attempt itself (lock-out counting)
        return _login_page(request, status=exc.status, next=target, username=username, exc=exc)
    response = RedirectResponse(target, status_code=303)
    lifetime = int((logged.expires_at - ctx.clock()).total_seconds())
    set_session(request, response, logged.token, lifetime)
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


@router.post("/logout")
@guarded
async def logout_post(request: Request, ctx: Ctx, db: Db) -> Response:
    form = await Form.read(request)
    check_csrf(request, form.get("csrf"))
    logout(db, token_of(request))
    response = RedirectResponse("/login", status_code=303)
    clear_session(response)
    return response

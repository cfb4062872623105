"""POST /api/auth/login, POST /api/auth/logout, GET /api/me."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from yigai.auth.principal import Principal
from yigai.auth.sessions import login, logout, principal_of
from yigai.service.deps import COOKIE, Ctx, Db, Me, Token
from yigai.service.fields import IDENT

router = APIRouter(prefix="/api", tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=IDENT)
    password: str = Field(min_length=1, max_length=256, pattern=IDENT)


def me_json(me: Principal) -> dict[str, Any]:
    return {
        "username": me.username,
        "role": me.role.value,
        "role_zh": me.role.zh,
        "roots": sorted(me.roots),
        "units": sorted(me.units),
        "permissions": sorted(me.permissions),
    }


@router.post("/auth/login", summary="登录 / log in")
def log_in(payload: LoginIn, ctx: Ctx, db: Db, response: Response) -> dict[str, Any]:
    logged = login(db, payload.username, payload.password, ctx.clock())
    lifetime = int((logged.expires_at - ctx.clock()).total_seconds())
    response.set_cookie(
        COOKIE, logged.token, max_age=max(lifetime, 0), httponly=True, samesite="strict"
    )
    return {
        "token": logged.token,
        "token_type": "bearer",
        "expires_at": logged.expires_at.astimezone(dt.UTC).isoformat(),
        "user": me_json(principal_of(logged.user, ctx.orgs)),
    }


@router.post("/auth/logout", status_code=204, summary="退出登录 / log out")
def log_out(me: Me, db: Db, token: Token, response: Response) -> Response:
    logout(db, token)
    response.delete_cookie(COOKIE)
    response.status_code = 204
    return response


@router.get("/me", summary="当前用户 / the logged-in user")
def whoami(me: Me) -> dict[str, Any]:
    return me_json(me)

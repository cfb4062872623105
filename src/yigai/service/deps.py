"""Request dependencies: one database session per request, and the logged-in user.

The session commits when the route returns and before the response is sent (dependency
scope ``function``), so an answer is never given for work, or an audit entry, that did not
commit; any error rolls it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from yigai.auth.principal import Principal
from yigai.auth.sessions import principal_for
from yigai.errors import Unauthorized
from yigai.service.context import ServiceContext
from yigai.store.session import unit_of_work

#: The session cookie set at log-in, for browsers (the API takes ``Authorization: Bearer``).
COOKIE = "yigai_session"

_bearer = HTTPBearer(auto_error=False)


def context(request: Request) -> ServiceContext:
    return request.app.state.yigai


def database(request: Request) -> Iterator[Session]:
    with unit_of_work(context(request).sessions()) as session:
        yield session


Ctx = Annotated[ServiceContext, Depends(context)]
Db = Annotated[Session, Depends(database, scope="function")]


def token_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return credentials.credentials
    cookie = request.cookies.get(COOKIE)
    if cookie:
        return cookie
    raise Unauthorized("请先登录", "log in first")


Token = Annotated[str, Depends(token_of)]


def current_principal(ctx: Ctx, db: Db, token: Token) -> Principal:
    return principal_for(db, token, ctx.clock(), ctx.orgs)


Me = Annotated[Principal, Depends(current_principal)]

"""Every page's answer to a refusal: no session → the log-in page; anything else the library
refuses → an error page with its status (404 for out of scope, as the API answers).

The request's database work is rolled back before the error page is rendered, so a refusal
halfway through never commits (the session dependency commits whatever the handler returns).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from yigai.auth.principal import Principal
from yigai.errors import Unauthorized, UserError
from yigai.web.render import error_page, to_login
from yigai.web.session import principal


def _refusal(kwargs: dict[str, Any], exc: UserError) -> Response:
    request: Request = kwargs["request"]
    db: Session = kwargs["db"]
    db.rollback()
    if isinstance(exc, Unauthorized):
        return to_login(request)
    me: Principal | None
    try:
        me = principal(request, kwargs["ctx"], db)
    except UserError:
        me = None
    return error_page(request, exc, me)


def guarded(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a page handler taking ``request``, ``ctx`` and ``db`` keyword arguments."""
    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def run_async(**kwargs: Any) -> Response:
            try:
                return await handler(**kwargs)
            except UserError as exc:
                return _refusal(kwargs, exc)

        run_async.__signature__ = inspect.signature(handler, eval_str=True)  # type: ignore[attr-defined]
        return run_async

    @functools.wraps(handler)
    def run(**kwargs: Any) -> Response:
        try:
            return handler(**kwargs)
        except UserError as exc:
            return _refusal(kwargs, exc)

    # FastAPI reads the parameters from here, resolved in the handler's own module
    run.__signature__ = inspect.signature(handler, eval_str=True)  # type: ignore[attr-defined]
    return run

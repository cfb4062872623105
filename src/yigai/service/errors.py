"""Error answers of the API (错误应答): always ``{"error": {"zh": …, "en": …}}``.

A :class:`~yigai.errors.UserError` keeps its status (401, 403, 404, 409, 422); a request that
does not match the schema is 422 naming the field; a dated parameter not in force on the
asked day is 422; an unknown path or method keeps Starlette's 404/405. Anything else is a
500 with a fixed message: the traceback goes to the server log, never to the client.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from yigai.errors import UserError
from yigai.params import ParameterError

log = logging.getLogger("yigai.service")

HTTP_TEXT = {
    401: ("未登录或会话已结束", "not logged in"),
    403: ("无权访问", "forbidden"),
    404: ("未找到", "not found"),
    405: ("不支持该请求方法", "method not allowed"),
}


def body(zh: str, en: str, status: int, **extra: object) -> JSONResponse:
    return JSONResponse({"error": {"zh": zh, "en": en}, **extra}, status_code=status)


def _where(loc: tuple[object, ...]) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "(request)"


async def user_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UserError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    response = body(exc.zh, exc.en, exc.status)
    if headers:
        response.headers.update(headers)
    return response


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [(_where(tuple(e.get("loc", ()))), str(e.get("msg", ""))) for e in exc.errors()]
    zh = "；".join(f"{where}：{msg}" for where, msg in problems)
    en = "; ".join(f"{where}: {msg}" for where, msg in problems)
    fields = [{"field": where, "message": msg} for where, msg in problems]
    return body(f"请求参数有误：{zh}", f"invalid request: {en}", 422, fields=fields)


async def parameter_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ParameterError)
    return body(exc.zh, exc.en, 422)


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    zh, en = HTTP_TEXT.get(exc.status_code, ("请求无法处理", str(exc.detail)))
    response = body(zh, en, exc.status_code)
    response.headers.update(exc.headers or {})  # e.g. Allow on a 405
    return response


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return body("服务器内部错误，已记录", "internal server error (logged)", 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(UserError, user_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(ParameterError, parameter_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, server_error)

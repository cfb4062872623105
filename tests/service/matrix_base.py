"""The scope matrix's row type: one API route and how to call it in and out of scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
from tests.service.conftest import World

from yigai.auth import Role, permissions_of

Call = Callable[[World, Role, bool], httpx.Response]


@dataclass(frozen=True)
class RouteCase:
    method: str
    path: str
    call: Call
    permission: str | None = None
    scoped: bool = False
    ok: int = 200
    #: Needs no session (log-in); every other route answers 401 without one.
    public: bool = False

    def expected(self, role: Role, inside: bool) -> int:
        if self.permission is not None and self.permission not in permissions_of(role):
            return 403
        if self.scoped and not inside and role is not Role.ADMIN:
            return 404
        return self.ok

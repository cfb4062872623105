"""Errors a user (or a client of the service) can act on, with their HTTP meaning.

The community service's library functions raise these; the API maps ``status`` to the
response code and shows ``zh`` and ``en``; the CLI prints both and exits 1. A message never
carries a traceback, and never names a record the caller may not see.
"""

from __future__ import annotations


class UserError(Exception):
    """A refusal the user can act on: Chinese first, English beside."""

    status: int = 400

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class Invalid(UserError):
    """The request is malformed or breaks a rule of the domain (422)."""

    status = 422


class Unauthorized(UserError):
    """No valid session: log in first (401)."""

    status = 401


class Forbidden(UserError):
    """The role may not do this at all (403)."""

    status = 403


class NotFound(UserError):
    """No such record, or one outside the caller's scope: both look the same (404)."""

    status = 404


class Conflict(UserError):
    """The record changed under the caller: a state transition lost a race or is not allowed
    from the record's present state (409)."""

    status = 409

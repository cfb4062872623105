"""Form posts (application/x-www-form-urlencoded) and the parsing of their fields.

The body is parsed with the standard library, so the pages need no multipart dependency.
Each parser returns the value or records a message key beside the field name; the rules of
the domain (ranges, what a disease needs) stay in the library and come back as its errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs

from fastapi import Request
from sqlalchemy.orm import Session

from yigai.errors import UserError

MAX_BODY = 64 * 1024


class Form:
    """One posted form: ``get`` the text of a field, ``errors`` field → message key (or the
    library's refusal, shown in both languages)."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        self.errors: dict[str, str | UserError] = {}

    @classmethod
    async def read(cls, request: Request) -> Form:
        body = (await request.body())[:MAX_BODY].decode("utf-8", errors="replace")
        parsed = parse_qs(body, keep_blank_values=True)
        return cls({k: v[-1].strip() for k, v in parsed.items()})

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    def flag(self, name: str) -> bool:
        return self.get(name) in ("1", "on", "true")

    def integer(self, name: str) -> int | None:
        text = self.get(name)
        if not text:
            return None
        if not text.isdigit() or len(text) > 6:
            self.errors[name] = "bad_int"
            return None
        return int(text)

    def decimal(self, name: str) -> Decimal | None:
        text = self.get(name)
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value.as_tuple().exponent < -1:  # type: ignore[operator]
            self.errors[name] = "bad_decimal"
            return None
        return value

    def date(self, name: str) -> dt.date | None:
        text = self.get(name)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.errors[name] = "bad_date"
            return None

    def choice(self, name: str, allowed: dict[str, str] | tuple[str, ...]) -> str | None:
        text = self.get(name)
        if not text:
            return None
        if text not in allowed:
            self.errors[name] = "bad_choice"
            return None
        return text


def field_of(exc: UserError, beside: Sequence[tuple[str, str]], default: str = "_form") -> str:
    """The field a library refusal is about: the first of ``beside`` (English text, field)
    whose text the refusal's English names; ``default`` (above the form) otherwise."""
    return next((field for text, field in beside if text in exc.en), default)


def refuse(db: Session, form: Form, exc: UserError, field: str) -> int:
    """Show a library refusal beside ``field``, its half-done write undone (nothing of a
    refused post is kept); the status to answer the page with."""
    db.rollback()
    form.errors[field] = exc
    return exc.status

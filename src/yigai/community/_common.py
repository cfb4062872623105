"""What every module of the community service shares: time, dates and the audit entry."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from yigai.auth.principal import Principal, not_found
from yigai.errors import Invalid
from yigai.people import identity
from yigai.store import audit
from yigai.warehouse.convert import MAX_CELL_CHARS

#: 中国标准时间 (no daylight saving): the day a record belongs to is the local day.
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
#: The user name of sweeps the service runs itself (expiry, export).
SYSTEM = "system"


class _Held(Protocol):
    institution_id: str


_Row = TypeVar("_Row", bound=_Held)


def in_scope(db: Session, actor: Principal, model: type[_Row], key: int, what: str) -> _Row:
    """The ``model`` row ``key`` if its institution is within ``actor``'s scope; otherwise
    NotFound (``what``: its name, 中文 / English), never saying which."""
    row = db.get(model, key)
    if row is None or not actor.in_scope(row.institution_id):
        raise not_found(what)
    return row


def aware(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC. Stored instants are always UTC (SQLite keeps no offset and hands
    back naive datetimes), so comparing them in SQL compares the same clock."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def local_day(moment: dt.datetime) -> dt.date:
    """The day in China of an instant (a referral at 23:00 UTC belongs to the next day)."""
    return aware(moment).astimezone(CHINA).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def need_text(value: str | None, zh: str, en: str) -> str:
    """Free text ``value`` stripped; refused naming the field when empty, longer than a
    warehouse cell, or holding an identity number (never stored; the warehouse would refuse
    the whole export batch for it)."""
    if value is None or not value.strip():
        raise Invalid(f"{zh}不能为空", f"{en} must not be empty")
    text = value.strip()
    if len(text) > MAX_CELL_CHARS:
        raise Invalid(
            f"{zh}过长（{len(text)} 字，最多 {MAX_CELL_CHARS}）",
            f"{en} is too long ({len(text)} characters, at most {MAX_CELL_CHARS})",
        )
    if identity.find_numbers(text):
        raise Invalid(
            f"{zh}中不能填写身份证号（只保存居民假名）",
            f"{en} must not contain an identity number (only the pseudonym is kept)",
        )
    return text


def write(db: Session, user: str, obj: str, org_id: str | None, detail: str) -> None:
    """The audit entry of a change, in the caller's session (commits or rolls back with it)."""
    audit(db, user, "write", obj, org_id=org_id, detail=detail)


def read(db: Session, user: str, obj: str, org_id: str | None, detail: str) -> None:
    """The audit entry of a read of personal data."""
    audit(db, user, "read", obj, org_id=org_id, detail=detail)

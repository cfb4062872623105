"""What one running service holds: the database, the org tree, the resident directory and
the clock (tests inject a fixed one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from yigai.auth.orgs import OrgTree
from yigai.community.directory import ResidentDirectory


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class ServiceConfig:
    """How to build the app: a database URL and either a warehouse to read the org tree and
    the residents from, or both given (tests)."""

    database_url: str
    warehouse: Path | None = None
    orgs: OrgTree | None = None
    directory: ResidentDirectory | None = None
    clock: Callable[[], dt.datetime] = field(default=utc_now)


@dataclass
class ServiceContext:
    sessions: sessionmaker[Session]
    orgs: OrgTree
    directory: ResidentDirectory
    clock: Callable[[], dt.datetime]
    warehouse: Path | None = None

"""Engines and sessions for the operational database (业务数据库).

The URL comes from :func:`yigai.settings.load` (``YIGAI_DATABASE_URL``): a SQLite file under
``YIGAI_HOME`` by default, PostgreSQL through psycopg 3 (``postgresql+psycopg://…``) in
production. SQLite does not enforce foreign keys unless asked on every connection, so the
engine turns them on: the same data must be rejected on both databases.

The service uses a SQLite file from many threads at once, so a file database is switched to
write-ahead logging (WAL: readers never block the writer nor the writer the readers; the mode
is stored in the file, so once per engine is enough) and every connection waits
``BUSY_TIMEOUT_MS`` for another writer's lock instead of failing at once with "database is
locked".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from yigai import settings
from yigai.warehouse import private


def database_url(url: str | None = None) -> str:
    """The given URL, or the deployment's ``YIGAI_DATABASE_URL`` (SQLite file by default)."""
    return url if url is not None else settings.load().database_url


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the deployment's); creates a SQLite file's folder,
    and the file itself owner-only (SQLite gives its journal files the file's mode)."""
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            db = Path(parsed.database)
            private.make_dirs(db.parent)
            if not db.exists():
                os.close(private.open_file(db, os.O_RDONLY))  # an empty file is an empty db
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        if parsed.database and parsed.database != ":memory:":
            event.listen(engine, "first_connect", _sqlite_wal)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another connection's write lock (milliseconds)."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_wal(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # first_connect runs before connect: wait for locks here too, since switching the
    # journal mode needs the file to itself for a moment.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=make_engine(url), expire_on_commit=False)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """``session`` as one unit of work: commits on success, rolls back on any error, always
    closes (a request's session in the service, a command's in :func:`session_scope`)."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One unit of work on its own engine (disposed after): see :func:`unit_of_work`."""
    factory = session_factory(url)
    try:
        with unit_of_work(factory()) as session:
            yield session
    finally:
        factory.kw["bind"].dispose()

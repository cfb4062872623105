"""Shared fixtures.

``postgres_server`` starts a throwaway PostgreSQL cluster once per test run (per xdist
worker) with :func:`yigai.store.pg_temp.temporary_postgres` (shared with the benchmarks):
``initdb`` into a temporary folder, the server listening only on a unix socket in that
folder. Without PostgreSQL binaries the fixture skips loudly, or fails when
``YIGAI_REQUIRE_POSTGRES=1`` (CI), so the PostgreSQL half of the suite is never silently lost.

``empty_db_url`` and ``db_url`` parametrise a test over SQLite and PostgreSQL: a fresh empty
database (for migration tests), or a database already migrated to head whose tables are empty
at the start of each test (so tests do not each pay for the migrations). ``db_session`` is a
session on ``db_url``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from yigai.store.pg_temp import PostgresServer, PostgresUnavailable, temporary_postgres

REQUIRE_ENV = "YIGAI_REQUIRE_POSTGRES"

# No per-example deadline: tests assert behaviour, never speed (benchmarks/ measures speed),
# and Hypothesis's default 200 ms failed round-trip tests on two cores shared with a second
# full test run. A test that sets its own deadline keeps it.
settings.register_profile("yigai", deadline=None)
settings.load_profile("yigai")


def _unavailable(reason: str) -> None:
    message = (
        f"无法运行 PostgreSQL 测试 / PostgreSQL tests cannot run: {reason}; "
        "以 root 运行 scripts/system-packages.sh 安装 / install it with "
        "scripts/system-packages.sh as root (Debian), or apt-get install postgresql"
    )
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(f"!!! SKIPPING POSTGRES: {message}; set {REQUIRE_ENV}=1 to make this an error")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        with temporary_postgres() as server:
            yield server
    except PostgresUnavailable as exc:
        _unavailable(str(exc))


DB_PARAMS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DB_PARAMS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: SQLite file, or a new database on ``postgres_server``."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'yigai.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    yield from _pg_database(server, template=None)


def _pg_database(server: PostgresServer, template: str | None) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    server.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield server.url(name)
    finally:
        server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _sqlite_migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from yigai.store import migrate

    path = tmp_path_factory.mktemp("template") / "migrated.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_migrated(postgres_server: PostgresServer) -> str:
    from yigai.store import migrate

    postgres_server.admin('CREATE DATABASE "yigai_migrated"')
    migrate(postgres_server.url("yigai_migrated"))
    return "yigai_migrated"


@pytest.fixture(params=DB_PARAMS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database already migrated to head: on SQLite a copy of a file migrated once
    per run; on PostgreSQL one database migrated once per run, emptied after each test."""
    if request.param == "sqlite":
        path = tmp_path / "yigai.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_migrated"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = request.getfixturevalue("_postgres_migrated")
    try:
        yield server.url(name)
    finally:
        _truncate(server, name)


def _truncate(server: PostgresServer, database: str) -> None:
    """Empty every table but Alembic's, so the next test starts from a migrated, empty
    database; far cheaper than creating one per test. A test that leaves a transaction open
    makes this fail after the lock timeout instead of hanging the run."""
    import psycopg

    with psycopg.connect(
        host=str(server.socket_dir),
        port=server.port,
        user=server.user,
        dbname=database,
        autocommit=True,
    ) as conn:
        conn.execute("SET lock_timeout = '10s'")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ]
        if tables:
            conn.execute(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
            )


@pytest.fixture
def db_session(db_url: str) -> Iterator:
    """A session on a fresh migrated database; closed and disposed afterwards."""
    from yigai.store import session_factory

    factory = session_factory(db_url)
    session = factory()
    try:
        yield session
    finally:
        session.close()
        factory.kw["bind"].dispose()


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI output checked by tests must not depend on which test imported Rich first.

    The shared console measures the terminal once, when first imported; pin a wide one so
    table cells are never truncated with an ellipsis in assertions.
    """
    from yigai.console import console

    monkeypatch.setattr(console, "width", 200)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local[1] SparkSession per test run (per xdist worker), shared by every Spark test
    (tests marked ``spark`` also carry ``xdist_group("spark")``). Its Python workers run this
    interpreter, so grouped Arrow UDFs import yigai."""
    from yigai.policy.spark_settle import session as spark_session

    session = spark_session(
        "yigai-tests",
        master="local[1]",
        conf={
            "spark.sql.shuffle.partitions": "4",
            "spark.sql.session.timeZone": "UTC",
            "spark.driver.memory": "512m",
        },
    )
    try:
        yield session
    finally:
        session.stop()

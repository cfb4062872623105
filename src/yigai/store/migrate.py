"""Schema migrations (数据库迁移) with Alembic, run from Python rather than ``alembic.ini``.

``migrate(url)`` brings a database to the newest revision (``upgrade head``); it is safe to
run on every start. The revision in force is in Alembic's own ``alembic_version`` table.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from yigai.store.session import database_url, make_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # configparser treats % as interpolation; a password may contain one.
    cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return cfg


def migrate(url: str | None = None, revision: str = "head") -> str | None:
    """Upgrade the database at ``url`` (default: the deployment's) to ``revision``.

    Returns the revision the database is at afterwards.
    """
    cfg = alembic_config(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
        return current_revision(url, engine=engine)
    finally:
        engine.dispose()


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Step the schema back to ``revision`` (``base``: drop everything the migrations made)."""
    cfg = alembic_config(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str | None = None, *, engine=None) -> str | None:  # type: ignore[no-untyped-def]
    """The revision recorded in the database's ``alembic_version`` table (None if unmigrated)."""
    own = engine is None
    engine = engine or make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if own:
            engine.dispose()

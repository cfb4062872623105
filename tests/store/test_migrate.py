"""Schema migrations: Alembic ``upgrade head`` builds exactly what the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from yigai.store import Base, current_revision, downgrade, head_revision, make_engine, migrate

TABLES = {
    "audit_log",
    "aggregate_imports",
    "reported_values",
    "reform_plans",
    "reform_tasks",
    "reform_task_co_departments",
    "reform_progress",
}


def test_migrate_creates_every_table_and_records_head(empty_db_url: str) -> None:
    assert migrate(empty_db_url) == head_revision()
    engine = make_engine(empty_db_url)
    try:
        assert TABLES | {"alembic_version"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrate_twice_is_harmless(empty_db_url: str) -> None:
    migrate(empty_db_url)
    assert migrate(empty_db_url) == head_revision()


def test_migrations_match_the_models(empty_db_url: str) -> None:
    migrate(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_downgrade_to_base_drops_the_tables(empty_db_url: str) -> None:
    migrate(empty_db_url)
    downgrade(empty_db_url, "base")
    engine = make_engine(empty_db_url)
    try:
        assert not TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert current_revision(empty_db_url) is None

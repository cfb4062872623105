"""Migration 0003 adds the log-in tables and its downgrade removes them."""

from __future__ import annotations

from sqlalchemy import inspect

from yigai.store import downgrade, make_engine, migrate

AUTH_TABLES = {"users", "user_roots", "auth_sessions"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_adds_and_downgrade_to_0002_drops_the_auth_tables(empty_db_url: str) -> None:
    migrate(empty_db_url, "0003")
    assert _tables(empty_db_url) >= AUTH_TABLES
    downgrade(empty_db_url, "0002")
    assert not AUTH_TABLES & _tables(empty_db_url)
    assert "audit_log" in _tables(empty_db_url)

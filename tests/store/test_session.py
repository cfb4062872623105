"""Engines and sessions: the deployment URL by default, foreign keys enforced on SQLite too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from yigai.store import ReformTask, database_url, migrate, session_scope


def test_default_url_comes_from_yigai_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("YIGAI_DATABASE_URL", raising=False)
    assert database_url() == f"sqlite:///{tmp_path / 'home' / 'yigai.db'}"


def test_default_sqlite_file_and_folder_are_created(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "new" / "home"))
    monkeypatch.delenv("YIGAI_DATABASE_URL", raising=False)
    migrate()
    assert (tmp_path / "new" / "home" / "yigai.db").exists()


def test_foreign_keys_are_enforced(db_url: str) -> None:
    task = ReformTask(
        plan_id="no-such-plan", code="1", position=1, title="t", category="c", source_ref="s"
    )
    with pytest.raises(IntegrityError), session_scope(db_url) as session:
        session.add(task)


def test_session_scope_rolls_back_on_error(db_url: str) -> None:
    from yigai.store import ReformPlan

    with pytest.raises(RuntimeError), session_scope(db_url) as session:
        session.add(ReformPlan(id="p", title="t", source="s"))
        session.flush()
        raise RuntimeError("boom")
    with session_scope(db_url) as session:
        assert session.get(ReformPlan, "p") is None


def _sqlite_engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from yigai.store import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    return engine


def test_sqlite_file_uses_wal_and_a_busy_timeout_on_every_connection(tmp_path: Path) -> None:
    from sqlalchemy import text

    from yigai.store.session import BUSY_TIMEOUT_MS

    engine = _sqlite_engine(tmp_path)
    try:
        with engine.connect() as one, engine.connect() as two:
            for conn in (one, two):
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert conn.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_TIMEOUT_MS
    finally:
        engine.dispose()


def test_sqlite_writers_follow_each_other_while_a_reader_holds_a_snapshot(
    tmp_path: Path,
) -> None:
    """A reader keeps a transaction open while two writer threads insert at the same time:
    the second writer waits for the first, and neither is blocked by the reader (in the
    old rollback journal the reader's lock made the commits fail with 'database is locked')."""
    import threading
    import time

    from sqlalchemy import text

    engine = _sqlite_engine(tmp_path)
    reader = engine.raw_connection()
    errors: list[str] = []
    try:
        reader.driver_connection.execute("BEGIN")  # type: ignore[union-attr]
        reader.driver_connection.execute("SELECT count(*) FROM t").fetchall()  # type: ignore[union-attr]
        barrier = threading.Barrier(2)

        def write(value: int) -> None:
            try:
                barrier.wait()
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": value})
                    time.sleep(0.3)  # hold the write lock: the other writer must wait
            except Exception as exc:  # the assertion below names it
                errors.append(repr(exc))

        threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        reader.driver_connection.execute("ROLLBACK")  # type: ignore[union-attr]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    finally:
        reader.close()
        engine.dispose()

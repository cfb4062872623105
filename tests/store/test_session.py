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

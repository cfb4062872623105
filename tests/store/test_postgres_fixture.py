"""The PostgreSQL fixture never loses the PostgreSQL half of the suite silently: without a
server it skips loudly, and with ``YIGAI_REQUIRE_POSTGRES=1`` (CI) it fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _conftest() -> ModuleType:
    path = Path(__file__).parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("yigai_tests_root_conftest", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_missing_postgres_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YIGAI_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="YIGAI_REQUIRE_POSTGRES=1"):
        _conftest()._unavailable("no initdb")


def test_missing_postgres_skips_loudly_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YIGAI_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"SKIPPING POSTGRES.*no initdb"):
        _conftest()._unavailable("no initdb")


@pytest.mark.postgres
def test_server_speaks_postgresql(postgres_server) -> None:
    import psycopg

    with psycopg.connect(
        host=str(postgres_server.socket_dir),
        port=postgres_server.port,
        user="postgres",
        dbname="postgres",
    ) as conn:
        assert conn.info.server_version >= 120000

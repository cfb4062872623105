"""Owner-only files (issue 13, item 1): whatever the umask, the warehouse is closed to others.

Any local user who can open a Parquet file reads it with DuckDB, past grants and audit, so
every folder under the warehouse is 0700 and every file 0600 — set explicitly, not left to
the process umask (which stays as it was).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from yigai import access
from yigai.store.session import make_engine
from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import ingest_file

from .conftest import KEY, ORGS_CSV, RESIDENTS_CSV


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def modes(root: Path) -> dict[str, int]:
    """Permission bits of the root and of everything under it."""
    out = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in sorted(root.rglob("*")):
        out[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return out


def test_every_folder_and_file_of_a_new_warehouse_is_owner_only(
    tmp_path: Path, umask_022: None, write_csv: Callable[..., Path]
) -> None:
    wh = Warehouse(tmp_path / "home" / "warehouse")
    for name, text in (("org_units", ORGS_CSV), ("residents", RESIDENTS_CSV)):
        assert ingest_file(wh, name, write_csv(text, f"{name}.csv"), key=KEY).status == "committed"
    access.grant(wh.root, "county1", ["C1"])
    wh.read("residents")
    found = modes(wh.root)
    kinds = {Path(p).parts[0] for p in found if p != "."}
    assert {"_audit", "_access", "org_units", "residents"} <= kinds
    assert "org_units/_delta_log/00000000000000000001.json" in found  # delta-rs wrote it
    wrong = {
        p: oct(m) for p, m in found.items() if m != (0o700 if (wh.root / p).is_dir() else 0o600)
    }
    assert wrong == {}
    assert os.umask(0o022) == 0o022  # the process umask was left alone


def test_the_lock_file_is_owner_only_while_held(tmp_path: Path, umask_022: None) -> None:
    wh = Warehouse(tmp_path / "wh")
    with wh.lock():
        assert stat.S_IMODE((wh.root / "_lock").stat().st_mode) == 0o600


def test_opening_an_old_warehouse_closes_its_root_to_others(tmp_path: Path) -> None:
    root = tmp_path / "wh"
    Warehouse(root)
    os.chmod(root, 0o755)  # as a warehouse made before files were private
    Warehouse(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_the_sqlite_database_under_yigai_home_is_owner_only(
    tmp_path: Path, umask_022: None
) -> None:
    db = tmp_path / "home" / "yigai.db"
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    engine.dispose()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700

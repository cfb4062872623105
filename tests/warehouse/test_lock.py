"""The writer lock (issue 13, item 6): a second writer waits for the first, then lands.

Real processes: the lock is an OS lock between processes, which threads would not show.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from yigai.warehouse import Warehouse, store

from .test_store import orgs

ROWS = 20_000

IMPORT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from yigai.warehouse import Warehouse
    from yigai.warehouse.ingest import ingest_file
    root, csv, go = sys.argv[1:4]
    while not Path(go).exists():
        time.sleep(0.01)
    report = ingest_file(Warehouse(root), "org_units", Path(csv), key=b"k")
    print(report.status, report.rows_stored)
    """
)

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from yigai.warehouse import Warehouse
    root, held, seconds = sys.argv[1:4]
    with Warehouse(root).lock():
        Path(held).touch()
        time.sleep(float(seconds))
    """
)


def _env() -> dict[str, str]:
    return {**os.environ, "YIGAI_USER": "admin", "YIGAI_LOCK_TIMEOUT": "60"}


def _wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_two_processes_importing_at_once_both_land(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_USER", "admin")
    root = tmp_path / "wh"
    Warehouse(root)
    files = []
    for prefix in ("A", "B"):
        path = tmp_path / f"{prefix}.csv"
        lines = ["org_id,kind,name"] + [f"{prefix}{i},county,{prefix}{i}" for i in range(ROWS)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", IMPORT, str(root), str(f), str(go)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    go.touch()
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert [out.split() for out, _ in results] == [["committed", str(ROWS)]] * 2
    wh = Warehouse(root)
    assert wh.read("org_units").num_rows == 2 * ROWS
    assert [b.seq for b in wh.batches()] == [1, 2]
    assert not (root / store.LOCK_FILE).exists()


def test_a_writer_waits_for_the_holder_says_so_once_and_then_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("YIGAI_USER", "admin")
    wh = Warehouse(tmp_path / "wh", lock_timeout=60)
    held = tmp_path / "held"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(wh.root), str(held), "1.5"], env=_env(), text=True
    )
    _wait_for(held, holder)
    wh.commit("org_units", orgs("a"), "b1", "test")
    assert holder.wait(timeout=30) == 0
    assert wh.has_batch("b1")
    err = capsys.readouterr().err
    assert err.count(f"仓库正被另一导入占用（进程 {holder.pid}），等待中…") == 1
    assert "warehouse busy" in err


def test_a_lock_left_by_a_killed_writer_is_taken_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_USER", "admin")
    wh = Warehouse(tmp_path / "wh", lock_timeout=0)
    held = tmp_path / "held"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(wh.root), str(held), "60"], env=_env(), text=True
    )
    _wait_for(held, holder)
    holder.kill()
    holder.wait(timeout=30)
    assert (wh.root / store.LOCK_FILE).exists()
    wh.commit("org_units", orgs("a"), "b1", "test")
    assert wh.has_batch("b1")

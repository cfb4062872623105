"""``yigai serve`` as a real process: a tiny demo county, log in over HTTP, stop it."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

STARTUP_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"yigai serve exited {proc.returncode}: {proc.stdout.read()}")  # type: ignore[union-attr]
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError("yigai serve did not answer in time")


def test_serve_runs_the_demo_county_and_its_demo_users_log_in(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIGAI_")}
    env["YIGAI_HOME"] = str(tmp_path / "home")
    cmd = [
        sys.executable,
        "-m",
        "yigai.cli",
        "serve",
        "--port",
        str(port),
        "--residents",
        "1000",
        "--years",
        "2025",
    ]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        r = httpx.post(
            f"{base}/api/auth/login",
            json={"username": "village_doctor", "password": "demo-village-doctor"},
        )
        assert r.status_code == 200, r.text
        me = httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {r.json()['token']}"})
        assert me.json()["role_zh"] == "乡村医生"
        assert me.json()["roots"] == ["440101C001"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert f"http://127.0.0.1:{port}" in out
    assert "village_doctor  demo-village-doctor" in out


def test_serve_puts_the_sqlite_database_in_wal_mode(tmp_path: Path) -> None:
    # serve migrates the database first; the migration's engine switches the file to WAL
    from yigai.store import migrate

    url = f"sqlite:///{tmp_path / 'yigai.db'}"
    migrate(url)
    with sqlite3.connect(tmp_path / "yigai.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_serve_refuses_to_start_with_a_bad_fangsong_setting(tmp_path: Path) -> None:
    # A bad 仿宋 file would otherwise surface as a 500 on the first report download.
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIGAI_")}
    env["YIGAI_HOME"] = str(tmp_path / "home")
    env["YIGAI_FONT_FANGSONG"] = str(tmp_path / "仿宋_GB2312.ttf")
    done = subprocess.run(
        [sys.executable, "-m", "yigai.cli", "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "YIGAI_FONT_FANGSONG" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "home").exists()

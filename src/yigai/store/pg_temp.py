"""A throwaway PostgreSQL cluster (临时 PostgreSQL 服务) for the tests and the benchmarks.

``initdb`` into a temporary folder, the server listening only on a unix socket in that folder
(no TCP port is opened: ``listen_addresses=''``; the port only names the socket), durability
off because nothing here outlives the run. Root cannot run PostgreSQL, so as root the server
runs as the ``postgres`` OS user through ``runuser``. :class:`PostgresUnavailable` says why
it could not start (no binaries, no such user, a failed start); the caller decides whether
that skips or fails.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started here; the message says why."""


@dataclass(frozen=True)
class PostgresServer:
    socket_dir: Path
    port: int
    user: str = "postgres"

    def url(self, database: str) -> str:
        return (
            f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"
        )

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=self.user,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)


def pg_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found and Path(found).resolve().with_name("pg_ctl").exists():
        return Path(found).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(root: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        shutil.rmtree(root)
        raise PostgresUnavailable(
            "running as root and there is no 'postgres' OS user to run the server"
        ) from None
    os.chown(root, owner.pw_uid, owner.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def temporary_postgres(options: str = "") -> Iterator[PostgresServer]:
    """A running throwaway cluster, stopped and deleted on exit; ``options`` are extra
    ``postgres`` command-line settings (``-c name=value`` …)."""
    bindir = pg_bindir()
    if bindir is None:
        raise PostgresUnavailable("no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin")
    root = Path(tempfile.mkdtemp(prefix="yigai-pg-"))
    prefix = _as_postgres(root)
    data, log, port = root / "data", root / "server.log", free_port()
    pg_ctl = [*prefix, str(bindir / "pg_ctl"), "-D", str(data)]
    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
    settings = (
        f"-k {root} -p {port} -c listen_addresses='' -c fsync=off "
        f"-c synchronous_commit=off -c full_page_writes=off {options}"
    )
    try:
        subprocess.run(
            [*prefix, *initdb, "-E", "UTF8", "--no-locale", "--no-sync"],
            check=True,
            capture_output=True,
            text=True,
        )
        subprocess.run(
            [*pg_ctl, "-o", settings, "-l", str(log), "-w", "-t", "60", "start"],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        detail = log.read_text() if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(
            f"{exc.cmd[len(prefix)]} failed: {exc.stderr or exc.stdout} {detail}"
        ) from None
    try:
        yield PostgresServer(socket_dir=root, port=port)
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)

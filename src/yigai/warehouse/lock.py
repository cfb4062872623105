"""写入锁: the warehouse's single writer lock, between processes.

The lock is an OS lock (``flock``; ``msvcrt.locking`` on Windows) on ``<warehouse>/_lock``,
which names its holder (pid, host, since when). A writer that dies releases it with its
process, so a lock file left behind is simply taken. Another writer waits — bounded by
``YIGAI_LOCK_TIMEOUT`` seconds (default :data:`LOCK_TIMEOUT`), saying once that it waits —
and then goes on; past the wait it raises :class:`LockHeldError`. The holder removes the file
while still holding it, and a waiter checks that the file it locked is still the one at the
path, so two writers never hold two different files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import sys
import time
from pathlib import Path

from yigai.warehouse import private
from yigai.warehouse.errors import LockHeldError, WarehouseError

try:
    import fcntl as _fcntl
except ImportError:  # Windows: msvcrt.locking instead
    _fcntl = None  # type: ignore[assignment]


#: Seconds a writer waits for another to release the lock (``YIGAI_LOCK_TIMEOUT`` overrides).
LOCK_TIMEOUT = 120.0
#: Seconds between two tries of a waiting writer.
LOCK_POLL = 0.1


def lock_timeout() -> float:
    """Seconds to wait for the writer lock: ``YIGAI_LOCK_TIMEOUT`` or :data:`LOCK_TIMEOUT`."""
    raw = os.environ.get("YIGAI_LOCK_TIMEOUT", "").strip()
    try:
        value = float(raw) if raw else LOCK_TIMEOUT
    except ValueError:
        raise WarehouseError(
            f"YIGAI_LOCK_TIMEOUT 应为秒数，收到 {raw!r}",
            f"YIGAI_LOCK_TIMEOUT must be a number of seconds, got {raw!r}",
        ) from None
    return max(0.0, value)


def acquire(path: Path, timeout: float | None = None) -> int:
    """Take the lock at ``path`` (waiting up to ``timeout`` seconds, default
    :func:`lock_timeout`, saying so once); return the descriptor that holds it."""
    timeout = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    told = False
    while True:
        fd = private.open_file(path, os.O_RDWR)
        if _try_lock(fd):
            if _is_file_at(fd, path):
                try:
                    os.ftruncate(fd, 0)
                    holder = f"{os.getpid()} {socket.gethostname()} {dt.datetime.now(dt.UTC)}"
                    os.write(fd, (holder + "\n").encode("utf-8"))
                except BaseException:
                    os.close(fd)  # never keep a lock nobody will release
                    raise
                return fd
            # The holder we waited for removed this file on release: lock the new one.
            os.close(fd)
            continue
        os.close(fd)
        pid, host = _holder(path)
        if time.monotonic() >= deadline:
            raise LockHeldError(
                f"仓库正被另一导入占用（进程 {pid}，主机 {host}，锁文件 {path}），"
                f"等待 {timeout:g} 秒后仍未释放；请稍后重试",
                f"the warehouse stayed busy (pid {pid} on {host}, lock file {path}) for "
                f"{timeout:g} s; retry later",
            )
        if not told:
            print(
                f"仓库正被另一导入占用（进程 {pid}），等待中… / "
                f"warehouse busy (pid {pid}), waiting…",
                file=sys.stderr,
                flush=True,
            )
            told = True
        time.sleep(LOCK_POLL)


def _try_lock(fd: int) -> bool:
    """Take the OS lock on ``fd`` without waiting; False while another holds it."""
    try:
        if _fcntl is not None:
            _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
        else:  # Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _is_file_at(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file at ``path`` (not one a releasing writer unlinked)."""
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def _holder(path: Path) -> tuple[str, str]:
    """Process id and host the lock file names (``?`` when not yet written)."""
    try:
        words = path.read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        words = []
    return (words[0] if words else "?"), (words[1] if len(words) > 1 else "?")


def release(fd: int, path: Path) -> None:
    """Remove the lock file while still holding it, then let go: a waiter that had opened
    it sees it is gone and locks the next one (:func:`_is_file_at`)."""
    if _fcntl is not None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)
    else:  # Windows cannot remove an open file
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()

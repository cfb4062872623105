"""仅属主可读: the warehouse's files and folders are readable by their owner only.

Anyone who can open a Parquet file can read it with DuckDB, past grants and audit, so every
folder the warehouse creates is ``0700`` and every file ``0600``. The mode is set explicitly
(``chmod`` right after creation) rather than left to the process umask, and the umask itself
is never changed: other code in the process keeps its own. A file is created with its final
mode before a byte is written to it, so there is no moment when it is open to others.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_dirs(path: Path) -> Path:
    """Create ``path`` and its missing parents, each owner-only; existing folders are left as
    they are (a parent such as ``YIGAI_HOME`` may be shared on purpose)."""
    missing: list[Path] = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another process made it (with this same mode) in the meantime
        os.chmod(folder, DIR_MODE)
    return path


def tighten(folder: Path) -> None:
    """Make an existing folder of ours owner-only: a warehouse created before files were
    private is closed to others from its root on the next open."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: modes do not apply
        return
    st = folder.stat()
    if st.st_uid == getuid() and st.st_mode & 0o077:
        os.chmod(folder, DIR_MODE)


def open_file(path: Path, flags: int) -> int:
    """Open ``path`` with ``flags`` (no ``O_CREAT``), creating it owner-only when missing; an
    existing file keeps its mode. Returns the descriptor."""
    while True:
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            try:
                return os.open(path, flags)
            except FileNotFoundError:
                continue  # removed between the two opens: create it after all
        fchmod = getattr(os, "fchmod", None)
        if fchmod is not None:
            try:
                fchmod(fd, FILE_MODE)
            except BaseException:
                os.close(fd)
                raise
        return fd


def create_empty(path: Path) -> None:
    """An empty owner-only file at ``path`` (truncated if present), for writers such as
    Parquet or SQLite that open a path themselves and keep the mode of a file that exists."""
    os.close(open_file(path, os.O_WRONLY | os.O_TRUNC))


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to a new owner-only file ``path`` and fsync it."""
    fd = open_file(path, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        with contextlib.suppress(OSError):
            os.fsync(fh.fileno())

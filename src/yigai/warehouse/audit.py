"""访问审计: the warehouse's append-only trail of reads and writes of personal columns.

Columns marked ``personal`` in a record set (the pseudonymous ``person_id``, the masked
identity number and name) are personal information even in their protected form, and a
record set holding one is personal as a whole: its rows are about persons whichever columns
are asked for. Every read of such a record set and every batch that stores one appends a line
to ``_audit/<yyyymm>.jsonl`` under the warehouse root: when, who (``YIGAI_USER``, else the
operating-system user), read or write, which record set and which of its personal columns were
returned (possibly none), how many rows (when known), for what (the batch id or the caller's
purpose) and under which access scope (the granted org units, ``*`` for all, ``system`` for the
platform's own checks). Grants and revocations are entries too (``grant`` / ``revoke``, with
the ``subject`` user and the ``orgs``).

The trail lives beside the data it describes, not in the operational database, because the
warehouse is read and written by processes (DuckDB, Spark, ingestion) that hold no database
session. If the entry cannot be written the access fails: there is no access without a trace.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from yigai.records import schemas
from yigai.warehouse import private

AUDIT_DIR = "_audit"

#: ``grant`` / ``revoke``: a change of the access list (who may read which org units).
Action = Literal["read", "write", "grant", "revoke"]


def personal_columns(record_set: str, columns: Iterable[str] | None = None) -> list[str]:
    """The personal columns of ``record_set`` among ``columns`` (all columns when None)."""
    wanted = None if columns is None else set(columns)
    return [
        f.name
        for f in schemas.get(record_set).fields
        if f.personal and (wanted is None or f.name in wanted)
    ]


def current_user() -> str:
    return os.environ.get("YIGAI_USER") or getpass.getuser()


def record(
    root: Path,
    action: Action,
    record_set: str,
    columns: list[str],
    *,
    rows: int | None = None,
    purpose: str = "",
    scope: str | None = None,
) -> None:
    """Append one entry; the line is written with a single ``write`` on an ``O_APPEND`` file,
    so concurrent writers never interleave inside a line."""
    _append(
        root,
        {
            "user": current_user(),
            "action": action,
            "record_set": record_set,
            "columns": columns,
            "rows": rows,
            "purpose": purpose,
            "scope": scope,
        },
    )


def record_access_change(
    root: Path, action: Literal["grant", "revoke"], subject: str, orgs: list[str]
) -> None:
    """Append a change of the access list: the current user granted ``subject`` the org
    units ``orgs`` (``*``: all), or revoked ``subject``'s grant (``orgs``: what it held)."""
    _append(
        root,
        {
            "user": current_user(),
            "action": action,
            "record_set": None,
            "columns": [],
            "rows": None,
            "purpose": f"{action} {subject}",
            "scope": None,
            "subject": subject,
            "orgs": orgs,
        },
    )


def record_version(
    root: Path,
    action: Literal["correct", "retire"],
    record_set: str,
    key: dict[str, Any],
    version_from: str,
    reason: str | None,
    batch_id: str,
) -> None:
    """Append a correction (更正) or retirement (注销) of a registry row: which entity, the
    first day of the new version, why, and the batch that stored it. Registry rows are never
    edited in place, so these entries and the stored versions are the whole history."""
    _append(
        root,
        {
            "user": current_user(),
            "action": action,
            "record_set": record_set,
            "columns": [],
            "rows": 1,
            "purpose": batch_id,
            "scope": None,
            "key": key,
            "version_from": version_from,
            "reason": reason,
        },
    )


def _append(root: Path, fields: dict[str, Any]) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    entry = {"at": now.isoformat(), **fields}
    folder = private.make_dirs(Path(root) / AUDIT_DIR)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = private.open_file(folder / f"{now:%Y%m}.jsonl", os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def entries(root: Path) -> list[dict[str, Any]]:
    """Every entry of the trail, oldest first."""
    folder = root / AUDIT_DIR
    if not folder.is_dir():
        return []
    out: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return out

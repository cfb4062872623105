"""Delta Lake tables (delta-rs) under the warehouse: one table per record set.

The warehouse writes its Parquet files itself (sorted by key, zstd, owner-only from the first
byte, see :mod:`yigai.warehouse.store`) and then commits them to the record set's Delta table
in one transaction of ``add`` actions. The Delta commit (``_delta_log/<version>.json``,
created atomically by delta-rs) is what makes a batch visible: Spark, Trino, DuckDB or any
other Delta reader sees all of a batch or none of it.

Each commit carries the batch in its ``commitInfo`` (custom metadata ``yigai.batch_id`` and
``yigai.batch``), so the table's history is the list of committed batches. History must never
expire: the log retention is set to a century (:data:`CONFIG`).

``month`` is an ordinary column (not a Delta partition column) because the files keep it: the
indicator engine and Spark read the files of a snapshot directly. Each ``add`` action carries
the month's min/max statistics, so Delta readers still skip the files of other months.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyarrow as pa

from yigai.warehouse import private
from yigai.warehouse.errors import CorruptLogError

DELTA_LOG = "_delta_log"
#: Table properties: commit history is the batch list, so it is kept (a century), and
#: delta-rs writes a checkpoint every 100 commits so opening a table stays fast.
CONFIG: dict[str, str | None] = {
    "delta.logRetentionDuration": "interval 36500 days",
    "delta.checkpointInterval": "100",
}
BATCH_ID_KEY = "yigai.batch_id"
BATCH_KEY = "yigai.batch"
#: Times delta-rs retries a commit that lost a race with another writer (appends never
#: conflict with appends, so a retry always lands).
COMMIT_RETRIES = 50
_COMMIT_FILE = re.compile(r"^(\d{20})\.json$")


@dataclass(frozen=True)
class DataFile:
    """One written Parquet file, relative to its table's folder."""

    rel: str
    size: int
    stats: str  # Delta ``add`` statistics (JSON)


def exists(table: Path) -> bool:
    """Whether ``table`` holds a Delta table with at least one commit."""
    return latest_version(table) >= 0


def latest_version(table: Path) -> int:
    """The newest committed version of the table at ``table`` (-1: no table). Read from the
    commit file names: a listing, cheaper than opening the table on every read."""
    try:
        names = os.listdir(table / DELTA_LOG)
    except (FileNotFoundError, NotADirectoryError):
        return -1
    versions = [int(m.group(1)) for n in names if (m := _COMMIT_FILE.match(n))]
    return max(versions, default=-1)


def open_table(table: Path, version: int | None = None):  # -> deltalake.DeltaTable
    """The Delta table at ``table`` (as of ``version``); :class:`CorruptLogError` when its log
    cannot be read."""
    from deltalake import DeltaTable
    from deltalake.exceptions import DeltaError

    try:
        return DeltaTable(table, version=version)
    except (DeltaError, OSError, ValueError) as exc:
        raise CorruptLogError(
            f"Delta 表 {table}（版本 {version}）无法读取：{exc}",
            f"the Delta table {table} (version {version}) is unreadable: {exc}",
        ) from exc


def history(table: Path, version: int) -> list[tuple[int, dict[str, object]]]:
    """``(version, batch JSON)`` of each batch committed to ``table`` up to ``version``, oldest
    first; commits of other writers (no ``yigai.batch``) are skipped."""
    out = []
    for entry in open_table(table, version).history():
        raw = entry.get(BATCH_KEY)
        if isinstance(raw, str):
            try:
                out.append((int(entry["version"]), json.loads(raw)))
            except (ValueError, KeyError) as exc:
                raise CorruptLogError(
                    f"Delta 表 {table} 的提交元数据无法读取：{exc}",
                    f"commit metadata of the Delta table {table} is unreadable: {exc}",
                ) from exc
    out.sort(key=lambda item: item[0])
    return out


def file_paths(table: Path, version: int) -> list[Path]:
    """The data files of ``table`` as of ``version``: the snapshot's file list (reading it
    spares the Arrow dataset of delta-rs, whose threads can abort at interpreter exit)."""
    # The URIs are percent-encoded: a folder named 县 数据 comes back as %E5%8E%BF%20…
    uris = open_table(table, version).file_uris()
    return [Path(unquote(uri.removeprefix("file://"))) for uri in uris]


def append(
    table: Path,
    schema: pa.Schema,
    files: Sequence[DataFile],
    metadata: Mapping[str, str],
) -> int:
    """Commit ``files`` (already written under ``table``) as one append with ``metadata`` in
    the commit; create the table first when needed. Returns the new version."""
    from deltalake import DeltaTable
    from deltalake.transaction import AddAction

    private.make_dirs(table / DELTA_LOG)
    if not exists(table):
        DeltaTable.create(table, schema=schema, mode="ignore", configuration=CONFIG)
    dt = DeltaTable(table)
    _add_new_columns(dt, schema)
    now = _now_ms()
    actions = [AddAction(f.rel, f.size, {}, now, True, f.stats) for f in files]
    return _commit(table, dt, actions, metadata)


def replace(
    table: Path,
    schema: pa.Schema,
    removed: Sequence[str],
    added: Sequence[DataFile],
    metadata: Mapping[str, str],
) -> int:
    """Commit, in one transaction, files ``added`` in place of files ``removed`` (paths
    relative to ``table``): the same rows rewritten (``yigai warehouse migrate``). Earlier
    versions still name the removed files, which stay on disk (:func:`ever_added`)."""
    from deltalake import DeltaTable
    from deltalake.transaction import AddAction, RemoveAction

    dt = DeltaTable(table)
    _add_new_columns(dt, schema)
    now = _now_ms()
    actions: list[AddAction | RemoveAction] = [RemoveAction(rel, True, now) for rel in removed]
    actions += [AddAction(f.rel, f.size, {}, now, True, f.stats) for f in added]
    return _commit(table, dt, actions, metadata)


def _commit(table: Path, dt: Any, actions: Sequence[Any], metadata: Mapping[str, str]) -> int:
    """Write ``actions`` as one commit carrying ``metadata`` (concurrent writers retry);
    returns the new version."""
    from deltalake import CommitProperties

    dt.create_write_transaction(
        list(actions),
        mode="append",
        schema=dt.schema(),
        commit_properties=CommitProperties(
            custom_metadata=dict(metadata), max_commit_retries=COMMIT_RETRIES
        ),
    )
    fix_modes(table)
    return latest_version(table)


def ever_added(table: Path) -> set[Path]:
    """Every data file any commit of ``table`` added, removed since or not: what some version
    still names (as-of-version reads). Read from the JSON commits, which are never expired."""
    out: set[Path] = set()
    log = table / DELTA_LOG
    for name in sorted(os.listdir(log)) if log.is_dir() else []:
        if not _COMMIT_FILE.match(name):
            continue
        for line in (log / name).read_text(encoding="utf-8").splitlines():
            add = json.loads(line).get("add") if line.strip() else None
            if add:
                out.add((table / unquote(add["path"])).resolve())
    return out


def _add_new_columns(dt: object, schema: pa.Schema) -> None:
    """A column the record set gained since the table was created is added to the table (as
    nullable: files written before it read it as null)."""
    from deltalake import Field
    from deltalake import Schema as DeltaSchema

    have = set(dt.schema().to_arrow().names)  # type: ignore[attr-defined]
    new = [f.with_nullable(True) for f in schema if f.name not in have]
    if new:
        fields = DeltaSchema.from_arrow(pa.schema(new)).fields
        dt.alter.add_columns([Field(f.name, f.type, nullable=True) for f in fields])  # type: ignore[attr-defined]


def _now_ms() -> int:
    import time

    return int(time.time() * 1000)


def fix_modes(table: Path) -> None:
    """Make what delta-rs created in the log (commit files, checkpoints) owner-only: it
    creates them with the process umask."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: modes do not apply
        return
    for folder, dirs, names in os.walk(table / DELTA_LOG):
        for d in dirs:
            _chmod(Path(folder) / d, private.DIR_MODE)
        for n in names:
            _chmod(Path(folder) / n, private.FILE_MODE)
    _chmod(table / DELTA_LOG, private.DIR_MODE)


def _chmod(path: Path, mode: int) -> None:
    try:
        if os.stat(path).st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        pass  # a temporary file delta-rs renamed meanwhile


def stats(num_rows: int, month: int | None) -> str:
    """Delta ``add`` statistics: the row count and, for one month of a partitioned record
    set, its min/max (Delta readers skip files of other months by them)."""
    data: dict[str, object] = {"numRecords": num_rows}
    if month is not None:
        data.update(minValues={"month": month}, maxValues={"month": month}, nullCount={"month": 0})
    return json.dumps(data)

"""The warehouse (数据仓库): one Delta Lake table per record set.

Layout under ``root``::

    <record_set>/_delta_log/<version>.json                the table's commit log (Delta Lake)
    <record_set>/month=<yyyymm>/<batch_id>-<n>.parquet    partitioned record sets
    <record_set>/all/<batch_id>-<n>.parquet               registries
    _lock                                                 held by the one local writer
    _meta/key.json, _audit/<yyyymm>.jsonl, _access/users.yaml   key fingerprint, audit, grants

Every folder is created ``0700`` and every file ``0600`` (:mod:`yigai.warehouse.private`;
what delta-rs writes into ``_delta_log`` is made owner-only after each commit): whoever can
open a Parquet file reads it past grants and audit.

A batch (批次) becomes visible only when its Delta commit is in place
(:mod:`yigai.warehouse.tables`). Data files are written and fsynced first; delta-rs then
creates the next ``_delta_log`` entry atomically. Readers list only the files of a committed
version, so a crash (or a kill) at any point before the commit leaves the warehouse exactly
as it was; the orphan data files are invisible and :meth:`Warehouse.vacuum` deletes them.
The batch id (the content hash) and the batch's description are kept in the commit's
metadata: the table's history is the list of batches, and any Delta reader sees them.

A :class:`Snapshot` names one version of each table; :meth:`Warehouse.at` reads as of it
(a bulletin records the snapshot it read, and re-generating it from that snapshot gives the
same document).

Each written file holds one month of one batch, sorted by key (good compression and
min/max statistics for key look-ups), in row groups of :data:`ROW_GROUP_ROWS` rows, compressed
with zstd.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from yigai.access import registry as access
from yigai.access.scope import Scope, row_filter, units_in_scope
from yigai.records import schemas
from yigai.records.fields import MONTH_COLUMN, RecordSet
from yigai.warehouse import audit, person_keys, private, tables
from yigai.warehouse import lock as writer_lock
from yigai.warehouse.batches import Batch, Snapshot
from yigai.warehouse.errors import SchemaMismatchError, WarehouseError

__all__ = ["Batch", "Snapshot", "Warehouse"]

#: The commit-log folder of warehouses before Delta Lake (``yigai warehouse migrate``).
LEGACY_LOG_DIR = "_log"
LOCK_FILE = "_lock"
UNPARTITIONED_DIR = "all"
#: Rows per Parquet row group: large enough for good compression and scan speed, small
#: enough that a reader filtering on statistics skips most of a file.
ROW_GROUP_ROWS = 256 * 1024
#: Rows per data file; a bigger month of one batch is split into several files.
FILE_ROWS = 4 * 1024 * 1024
#: Threads encoding Parquet files of one batch at once.
WRITE_THREADS = max(1, min(4, os.cpu_count() or 1))
#: Rows gathered (in key order) before their files are written: bounds the copy of a batch.
WAVE_ROWS = 2 * FILE_ROWS


def month_column(table: pa.Table, partition_by: str) -> pa.Array:
    """``yyyymm`` (int32) of the partition date column; null where the date is null."""
    dates = table[partition_by]
    return pc.cast(
        pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates)), pa.int32()
    ).combine_chunks()


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Warehouse:
    """The warehouse at ``root`` (created if needed): one Delta table per record set.

    Reads are lock-free and see only committed batches. Writes (:meth:`commit`,
    :meth:`vacuum`, ingestion) take the single writer lock; the lock is re-entrant within
    one ``Warehouse`` object so ingestion can hold it across its duplicate checks and commit.
    :meth:`at` gives a read-only view as of a :class:`Snapshot`.
    """

    def __init__(self, root: Path | str, *, lock_timeout: float | None = None) -> None:
        self.root = Path(root)
        private.make_dirs(self.root)
        private.tighten(self.root)
        legacy = self.root / LEGACY_LOG_DIR
        if legacy.is_dir() and any(p.suffix == ".json" for p in legacy.iterdir()):
            raise WarehouseError(
                f"仓库 {self.root} 是旧格式（自有提交日志），请先运行 yigai warehouse migrate",
                f"the warehouse at {self.root} has the old format (its own commit log); run "
                "`yigai warehouse migrate` first",
            )
        self._pins: Mapping[str, int] | None = None
        access.ensure_administrator(self.root, bool(self._tables()))
        #: Seconds :meth:`lock` waits for another writer (None: ``YIGAI_LOCK_TIMEOUT``).
        self.lock_timeout = lock_timeout
        self._lock_depth = 0
        self._history_cache: dict[tuple[str, int], list[Batch]] = {}
        self._files_cache: dict[tuple[str, int], list[Path]] = {}
        self._scope_cache: dict[frozenset[str], tuple[tuple[int, ...], set[str]]] = {}

    def __repr__(self) -> str:
        return f"Warehouse({str(self.root)!r})"

    # ------------------------------------------------------------------ versions

    def _tables(self) -> list[str]:
        """Record sets that have a table."""
        return [rs.name for rs in schemas.ALL if self._version(rs.name) >= 0]

    def _version(self, name: str) -> int:
        """The version of ``name``'s table this warehouse reads (-1: none)."""
        if self._pins is not None:
            return self._pins.get(name, -1)
        return tables.latest_version(self.root / name)

    def snapshot(self) -> Snapshot:
        """The current version of every table (the pinned ones for a view made by :meth:`at`)."""
        versions = {rs.name: self._version(rs.name) for rs in schemas.ALL}
        return Snapshot({k: v for k, v in versions.items() if v >= 0})

    def at(self, snapshot: Snapshot | Mapping[str, int]) -> Warehouse:
        """A read-only view of this warehouse as of ``snapshot`` (as-of-version reads):
        every reader given it sees exactly the rows (and batches) of those versions."""
        pins = snapshot.versions if isinstance(snapshot, Snapshot) else snapshot
        for name, version in pins.items():
            schemas.get(name)
            latest = tables.latest_version(self.root / name)
            if version > latest:
                raise WarehouseError(
                    f"记录集 {name} 没有版本 {version}（最新为 {latest}）",
                    f"record set {name} has no version {version} (the latest is {latest})",
                )
        view = copy.copy(self)
        view._pins = dict(pins)
        view._scope_cache = {}
        return view

    # ------------------------------------------------------------------ batches

    def _table_batches(self, name: str) -> list[Batch]:
        version = self._version(name)
        if version < 0:
            return []
        cached = self._history_cache.get((name, version))
        if cached is None:
            cached = [
                Batch.from_json(data, v) for v, data in tables.history(self.root / name, version)
            ]
            self._history_cache[(name, version)] = cached
        return cached

    def batches(self, name: str | None = None) -> list[Batch]:
        """Committed batches in commit order, optionally of one record set."""
        names = self._tables() if name is None else [name]
        out = [b for n in names for b in self._table_batches(n)]
        return sorted(out, key=lambda b: b.seq)

    def has_batch(self, batch_id: str) -> bool:
        return self.batch(batch_id) is not None

    def batch(self, batch_id: str) -> Batch | None:
        return next((b for b in self.batches() if b.id == batch_id), None)

    # ------------------------------------------------------------------ reading

    def files(
        self, name: str, months: Iterable[int | str] | None = None, *, purpose: str = "files"
    ) -> list[Path]:
        """Committed Parquet files of record set ``name`` (the snapshot's file list of its
        Delta table, in commit order).

        ``months`` (``yyyymm``) keeps only those months' files of a partitioned record set;
        a registry has no months, so all of its files are returned. Whoever takes the files
        can read every column, so handing out a record set with personal columns is audited and
        needs a grant (any scope: the files feed aggregate computations, whose results are not
        personal data; rows themselves are read through :meth:`read`, which is scoped).
        """
        paths = self._files(name, months)
        personal = audit.personal_columns(name)
        if paths and personal:
            scope = access.scope_of(self.root)
            audit.record(self.root, "read", name, personal, purpose=purpose, scope=scope.describe())
        return paths

    def _files(self, name: str, months: Iterable[int | str] | None = None) -> list[Path]:
        rs = schemas.get(name)
        version = self._version(name)
        if version < 0:
            return []
        paths = self._files_cache.get((name, version))
        if paths is None:
            paths = self._files_cache[(name, version)] = self._ordered_files(name, version)
        if months is None or not rs.partitioned:
            return list(paths)
        wanted = {int(m) for m in months}
        return [p for p in paths if _month_of(p) in wanted]

    def _ordered_files(self, name: str, version: int) -> list[Path]:
        """The table's files as of ``version``: in commit order (rows read back in the order
        they were stored), under :attr:`root` as given; files other Delta writers added last."""
        present = {p.resolve() for p in tables.file_paths(self.root / name, version)}
        known = [self.root / rel for b in self._table_batches(name) for rel in b.files]
        # A batch's file rewritten with person keys (migrate) keeps the batch's place.
        known = [p if p.resolve() in present else person_keys.keyed_name(p) for p in known]
        ordered = [p for p in known if p.resolve() in present]
        seen = {p.resolve() for p in ordered}
        return ordered + sorted(p for p in present if p not in seen)

    def read(
        self,
        name: str,
        months: Iterable[int | str] | None = None,
        columns: list[str] | None = None,
        *,
        where: pc.Expression | None = None,
        scoped: bool = True,
        purpose: str = "read",
    ) -> pa.Table:
        """Committed rows of ``name`` with exactly ``RecordSet.arrow_schema()`` (or the
        chosen ``columns`` of it, in that order); an empty table when nothing is stored.

        ``where`` (a ``pyarrow.compute`` expression) keeps matching rows only; Parquet
        statistics let it skip row groups, which makes key look-ups cheap because every file
        is sorted by key.

        A record set with personal columns is personal whichever ``columns`` are asked for
        (its rows are about persons): reading it needs the current user's grant
        (:mod:`yigai.access`), returns only the rows in their scope and is audited.
        ``scoped=False`` is for the platform's own checks (ingestion looking up stored keys),
        never for showing rows to a user; such reads are still audited, with their
        ``purpose``."""
        rs = schemas.get(name)
        schema = rs.arrow_schema()
        if columns is not None:
            unknown = [c for c in columns if c not in schema.names]
            if unknown:
                raise WarehouseError(
                    f"记录集 {name} 没有列 {unknown}", f"record set {name} has no columns {unknown}"
                )
            schema = pa.schema([schema.field(c) for c in columns])
        is_personal = bool(audit.personal_columns(name))
        personal = audit.personal_columns(name, schema.names)
        scope = self.grant_for(name) if scoped else None
        if scope is not None and not scope.everything:
            mine = row_filter(name, self._units_in(scope.roots))
            where = mine if where is None else where & mine
        paths = self._files(name, months)
        if not paths:
            return schema.empty_table()
        dataset = ds.dataset([str(p) for p in paths], format="parquet", schema=rs.arrow_schema())
        table = dataset.to_table(columns=schema.names, filter=where).cast(schema)
        if is_personal:
            audit.record(
                self.root,
                "read",
                name,
                personal,
                rows=table.num_rows,
                purpose=purpose,
                scope=scope.describe() if scope else "system",
            )
        return table

    def grant_for(self, name: str) -> Scope | None:
        """The current user's scope if ``name`` is a personal record set (one with personal
        columns: its rows are about persons), None if it is not; :class:`AccessError` when
        the user has no grant. Reading or storing such a record set needs it."""
        return access.scope_of(self.root) if audit.personal_columns(name) else None

    def _units_in(self, roots: frozenset[str]) -> set[str]:
        """The org units a grant of ``roots`` covers; kept until the hierarchy's tables
        change, so a scoped user's reads do not re-read the hierarchy each time."""
        versions = (self._version("org_units"), self._version("community_members"))
        cached = self._scope_cache.get(roots)
        if cached is None or cached[0] != versions:
            units = units_in_scope(
                roots,
                self.read("org_units", columns=["org_id", "parent_id"]),
                self.read("community_members", columns=["community_id", "institution_id"]),
            )
            cached = self._scope_cache[roots] = (versions, units)
        return cached[1]

    # ------------------------------------------------------------------ writing

    def _writable(self) -> None:
        if self._pins is not None:
            raise WarehouseError(
                "按版本快照读取的仓库视图是只读的", "a warehouse view as of a snapshot is read-only"
            )

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the single writer lock (写入锁). While another writer holds it, wait (up to
        :attr:`lock_timeout` seconds, saying so once) and then take it; past the wait raise
        :class:`LockHeldError`. The lock is an OS lock on ``_lock`` (``flock``), so a writer
        that dies releases it: a lock file left behind by a dead process is simply taken.
        It queues this host's writers; Delta's own conflict check (a commit that loses a race
        is retried) covers writers elsewhere."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        path = self.root / LOCK_FILE
        fd = writer_lock.acquire(path, self.lock_timeout)
        self._lock_depth = 1
        try:
            yield
        finally:
            self._lock_depth = 0
            writer_lock.release(fd, path)

    def commit(self, name: str, table: pa.Table, batch_id: str, source: str) -> Batch:
        """Store ``table`` as batch ``batch_id`` of record set ``name``: all its files or none.

        ``table`` must hold the record set's columns (any order; ``month`` is computed from
        ``partition_by`` when absent) with no nulls in required columns. Committing a batch id
        that is already committed changes nothing and returns the stored :class:`Batch`.
        """
        self._writable()
        rs = schemas.get(name)
        if not batch_id or any(c in batch_id for c in "/\\.") or len(batch_id) > 128:
            raise WarehouseError(f"批次号无效：{batch_id!r}", f"invalid batch id {batch_id!r}")
        scope = self.grant_for(name)  # before any file is written
        with self.lock():
            existing = self.batch(batch_id)
            if existing is not None:
                return existing
            # Keys before any file: every committed row's key is then in the map.
            data = _conform(rs, person_keys.assign(self.root, rs, table))
            files: list[str] = []
            stats: list[str] = []
            months: dict[int, int] = {}
            # Parquet encoding releases the GIL: files of different months encode in parallel,
            # in waves of about WAVE_ROWS rows, so a large batch is never held twice over.
            wave: list[tuple[Path, pa.Table]] = []
            with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
                for month, part in _split(rs, data):
                    directory = f"month={month}" if rs.partitioned else UNPARTITIONED_DIR
                    for start in range(0, part.num_rows, FILE_ROWS):
                        chunk = part.slice(start, FILE_ROWS)
                        files.append(f"{name}/{directory}/{batch_id}-{len(files)}.parquet")
                        wave.append((self.root / files[-1], chunk))
                        stats.append(
                            tables.stats(chunk.num_rows, month if rs.partitioned else None)
                        )
                    months[month] = part.num_rows
                    if sum(chunk.num_rows for _, chunk in wave) >= WAVE_ROWS:
                        list(pool.map(_write_file, *zip(*wave, strict=True)))
                        wave = []
                if wave:
                    list(pool.map(_write_file, *zip(*wave, strict=True)))
            batch = Batch(
                id=batch_id,
                record_set=name,
                source=source,
                rows=data.num_rows,
                months=months,
                files=tuple(files),
                committed_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                seq=max((b.seq for b in self.batches()), default=0) + 1,
            )
            if scope is not None:
                audit.record(
                    self.root,
                    "write",
                    name,
                    audit.personal_columns(name),
                    rows=data.num_rows,
                    purpose=batch_id,
                    scope=scope.describe(),
                )
            version = _write_commit(self.root, rs, batch, stats)
            return replace(batch, version=version)

    def vacuum(self) -> list[Path]:
        """Delete data files no committed version names (orphans of crashed or killed
        writes) and temporary files delta-rs left in a log; return what was deleted.
        A file some version names is kept even when a later commit replaced it (``yigai
        warehouse migrate`` rewrites files with person keys): as-of-version reads keep working."""
        self._writable()
        with self.lock():
            removed: list[Path] = []
            for rs in schemas.ALL:
                folder = self.root / rs.name
                if not folder.is_dir():
                    continue
                version = tables.latest_version(folder)
                kept = set()
                if version >= 0:  # absolute paths: compared resolved, as root may be relative
                    kept = {p.resolve() for p in tables.file_paths(folder, version)}
                    # Files a later commit replaced (migrate) are still named by older versions.
                    kept |= tables.ever_added(folder)
                for path in sorted(folder.glob("*/*.parquet")):
                    if path.parent.name != tables.DELTA_LOG and path.resolve() not in kept:
                        path.unlink()
                        removed.append(path)
                for path in sorted((folder / tables.DELTA_LOG).glob("*.tmp")):
                    path.unlink()
                    removed.append(path)
                for directory in sorted(folder.glob("*/")):
                    if directory.is_dir() and not any(directory.iterdir()):
                        directory.rmdir()
            return removed


def _month_of(path: Path) -> int:
    """The month of a data file, from its folder (``month=<yyyymm>``); 0 for registries."""
    part = path.parent.name
    return int(part.removeprefix("month=")) if part.startswith("month=") else 0


def _conform(rs: RecordSet, table: pa.Table) -> pa.Table:
    """``table`` as exactly the stored schema, or :class:`SchemaMismatchError`."""
    schema = rs.arrow_schema()
    if (
        rs.partitioned
        and MONTH_COLUMN not in table.column_names
        and rs.partition_by in table.column_names
    ):
        table = table.append_column(MONTH_COLUMN, month_column(table, rs.partition_by))
    missing = [n for n in schema.names if n not in table.column_names]
    extra = [n for n in table.column_names if n not in schema.names]
    if missing or extra:
        raise SchemaMismatchError(
            f"{rs.name} 的列不符：缺少 {missing}，多余 {extra}",
            f"columns do not match {rs.name}: missing {missing}, unexpected {extra}",
        )
    nulls = [f.name for f in schema if not f.nullable and table[f.name].null_count]
    if nulls:
        raise SchemaMismatchError(
            f"{rs.name} 的必填列含空值：{nulls}",
            f"required columns of {rs.name} hold nulls: {nulls}",
        )
    try:
        table = table.select(schema.names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as exc:
        raise SchemaMismatchError(
            f"{rs.name} 的列类型不符：{exc}", f"column types do not match {rs.name}: {exc}"
        ) from exc
    return table


def is_sorted(table: pa.Table, columns: list[str]) -> bool:
    """Whether ``table`` is already in ascending lexicographic order of ``columns``
    (no nulls expected); one vectorised pass instead of a sort."""
    n = table.num_rows
    if n < 2:
        return True
    ok = None
    for name in reversed(columns):
        column = table[name]
        a, b = column.slice(0, n - 1), column.slice(1)
        ok = (
            pc.less_equal(a, b)
            if ok is None
            else pc.or_(pc.less(a, b), pc.and_(pc.equal(a, b), ok))
        )
    assert ok is not None
    return bool(pc.all(pc.fill_null(ok, False)).as_py())


def _split(rs: RecordSet, table: pa.Table) -> Iterator[tuple[int, pa.Table]]:
    """Sort by (month, key) and cut into one table per month (registries: month 0). A
    month's rows are gathered in order only when the caller takes it: the sort keeps one
    index per row, not a sorted copy of the whole batch."""
    if table.num_rows == 0:
        return
    columns = [MONTH_COLUMN, *rs.key] if rs.partitioned else list(rs.key)
    order = None
    if not is_sorted(table, columns):
        keys = [(c, "ascending") for c in columns]
        order = pc.sort_indices(table.select(columns), sort_keys=keys)
    if not rs.partitioned:
        yield 0, table if order is None else table.take(order)
        return
    month = table[MONTH_COLUMN] if order is None else table[MONTH_COLUMN].take(order)
    months = month.to_numpy()
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    ends = np.r_[starts[1:], len(months)]
    for s, e in zip(starts, ends, strict=True):
        part = table.slice(s, e - s) if order is None else table.take(order.slice(s, e - s))
        yield int(months[s]), part


def _write_file(path: Path, table: pa.Table) -> None:
    private.make_dirs(path.parent)
    private.create_empty(path)  # Parquet then writes into a file that is already owner-only
    pq.write_table(table, path, row_group_size=ROW_GROUP_ROWS, compression="zstd")
    _fsync_path(path)


def _write_commit(root: Path, rs: RecordSet, batch: Batch, stats: list[str]) -> int:
    """Commit ``batch``'s written files to ``rs``'s Delta table, the batch in the commit's
    metadata; returns the table's new version."""
    table = root / rs.name
    files = [
        tables.DataFile(rel.removeprefix(f"{rs.name}/"), os.path.getsize(root / rel), stat)
        for rel, stat in zip(batch.files, stats, strict=True)
    ]
    metadata = {
        tables.BATCH_ID_KEY: batch.id,
        tables.BATCH_KEY: json.dumps(batch.to_json(), ensure_ascii=False),
    }
    return tables.append(table, rs.arrow_schema(), files, metadata)

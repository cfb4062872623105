"""The Parquet warehouse (数据仓库) with a commit log.

Layout under ``root``::

    <record_set>/month=<yyyymm>/<batch_id>-<n>.parquet   partitioned record sets
    <record_set>/all/<batch_id>-<n>.parquet               registries
    _log/<seq>-<batch_id>.json                            one entry per committed batch
    _lock                                                 held by the one writer
    _audit/<yyyymm>.jsonl, _access/users.yaml             audit trail and grants (yigai.access)

Every folder is created ``0700`` and every file ``0600`` (:mod:`yigai.warehouse.private`):
whoever can open a Parquet file reads it past grants and audit.

A batch (批次) becomes visible only when its log entry is in place. Data files are written and
fsynced first; the entry is then written to a temporary name, fsynced and renamed with
``os.replace`` (atomic on POSIX and Windows). Readers list only files named in log entries, so
a crash at any point before the rename leaves the warehouse exactly as it was; the orphan data
files are invisible and :meth:`Warehouse.vacuum` deletes them.

Each written file holds one month of one batch, sorted by key (good compression and
min/max statistics for key look-ups), in row groups of :data:`ROW_GROUP_ROWS` rows, compressed
with zstd.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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
from yigai.warehouse import audit, private
from yigai.warehouse import lock as writer_lock
from yigai.warehouse.errors import (
    CorruptLogError,
    SchemaMismatchError,
    WarehouseError,
)

LOG_DIR = "_log"
LOCK_FILE = "_lock"
UNPARTITIONED_DIR = "all"
#: Rows per Parquet row group: large enough for good compression and scan speed, small
#: enough that a reader filtering on statistics skips most of a file.
ROW_GROUP_ROWS = 256 * 1024
#: Rows per data file; a bigger month of one batch is split into several files.
FILE_ROWS = 4 * 1024 * 1024
LOG_FORMAT = 1
#: Threads encoding Parquet files of one batch at once.
WRITE_THREADS = max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Batch:
    """One committed batch (已提交批次), as recorded in its log entry."""

    id: str
    record_set: str
    source: str
    rows: int
    months: dict[int, int]  # yyyymm -> rows; a registry has no months: {0: rows}
    files: tuple[str, ...]  # relative to the warehouse root, POSIX separators
    committed_at: dt.datetime
    seq: int

    def to_json(self) -> dict[str, object]:
        return {
            "format": LOG_FORMAT,
            "seq": self.seq,
            "batch_id": self.id,
            "record_set": self.record_set,
            "source": self.source,
            "rows": self.rows,
            "months": {str(k): v for k, v in sorted(self.months.items())},
            "files": list(self.files),
            "committed_at": self.committed_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Batch:
        months = data["months"]
        files = data["files"]
        assert isinstance(months, dict) and isinstance(files, list)
        return cls(
            id=str(data["batch_id"]),
            record_set=str(data["record_set"]),
            source=str(data["source"]),
            rows=int(data["rows"]),  # type: ignore[arg-type]
            months={int(k): int(v) for k, v in months.items()},
            files=tuple(str(f) for f in files),
            committed_at=dt.datetime.fromisoformat(str(data["committed_at"])),
            seq=int(data["seq"]),  # type: ignore[arg-type]
        )


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


def _fsync_dir(path: Path) -> None:
    # Directories cannot be opened for fsync on Windows; there the rename is durable enough.
    with contextlib.suppress(OSError):
        _fsync_path(path)


class Warehouse:
    """A Parquet warehouse at ``root`` (created if needed).

    Reads are lock-free and see only committed batches. Writes (:meth:`commit`,
    :meth:`vacuum`, ingestion) take the single writer lock; the lock is re-entrant within
    one ``Warehouse`` object so ingestion can hold it across its duplicate checks and commit.
    """

    def __init__(self, root: Path | str, *, lock_timeout: float | None = None) -> None:
        self.root = Path(root)
        private.make_dirs(self.root)
        private.tighten(self.root)
        log_dir = private.make_dirs(self.root / LOG_DIR)
        has_batches = any(p.suffix == ".json" for p in log_dir.iterdir())
        access.ensure_administrator(self.root, has_batches)
        #: Seconds :meth:`lock` waits for another writer (None: ``YIGAI_LOCK_TIMEOUT``).
        self.lock_timeout = lock_timeout
        self._lock_depth = 0
        self._log_cache: dict[str, Batch] = {}
        self._scope_cache: dict[frozenset[str], tuple[int, set[str]]] = {}

    def __repr__(self) -> str:
        return f"Warehouse({str(self.root)!r})"

    # ------------------------------------------------------------------ the log

    def _log_entries(self) -> list[Batch]:
        log_dir = self.root / LOG_DIR
        names = sorted(p.name for p in log_dir.iterdir() if p.suffix == ".json")
        out = []
        for name in names:
            batch = self._log_cache.get(name)
            if batch is None:
                path = log_dir / name
                try:
                    batch = Batch.from_json(json.loads(path.read_text(encoding="utf-8")))
                except (ValueError, KeyError, AssertionError, TypeError) as exc:
                    raise CorruptLogError(
                        f"提交日志 {path} 无法读取：{exc}",
                        f"commit log entry {path} is unreadable: {exc}",
                    ) from exc
                self._log_cache[name] = batch
            out.append(batch)
        return out

    def batches(self, name: str | None = None) -> list[Batch]:
        """Committed batches in commit order, optionally of one record set."""
        return [b for b in self._log_entries() if name is None or b.record_set == name]

    def has_batch(self, batch_id: str) -> bool:
        return any(b.id == batch_id for b in self._log_entries())

    def batch(self, batch_id: str) -> Batch | None:
        return next((b for b in self._log_entries() if b.id == batch_id), None)

    # ------------------------------------------------------------------ reading

    def files(
        self, name: str, months: Iterable[int | str] | None = None, *, purpose: str = "files"
    ) -> list[Path]:
        """Committed Parquet files of record set ``name``.

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
        wanted = None if months is None or not rs.partitioned else {int(m) for m in months}
        out = []
        for batch in self.batches(name):
            for rel in batch.files:
                if wanted is not None and _month_of(rel) not in wanted:
                    continue
                out.append(self.root / rel)
        return out

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
        """The org units a grant of ``roots`` covers; kept until the next commit, so a scoped
        user's reads do not re-read the hierarchy each time."""
        seq = max((b.seq for b in self._log_entries()), default=0)
        cached = self._scope_cache.get(roots)
        if cached is None or cached[0] != seq:
            units = units_in_scope(
                roots,
                self.read("org_units", columns=["org_id", "parent_id"]),
                self.read("community_members", columns=["community_id", "institution_id"]),
            )
            cached = self._scope_cache[roots] = (seq, units)
        return cached[1]

    # ------------------------------------------------------------------ writing

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the single writer lock (写入锁). While another writer holds it, wait (up to
        :attr:`lock_timeout` seconds, saying so once) and then take it; past the wait raise
        :class:`LockHeldError`. The lock is an OS lock on ``_lock`` (``flock``), so a writer
        that dies releases it: a lock file left behind by a dead process is simply taken."""
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
        rs = schemas.get(name)
        if not batch_id or any(c in batch_id for c in "/\\.") or len(batch_id) > 128:
            raise WarehouseError(f"批次号无效：{batch_id!r}", f"invalid batch id {batch_id!r}")
        scope = self.grant_for(name)  # before any file is written
        with self.lock():
            existing = self.batch(batch_id)
            if existing is not None:
                return existing
            data = _conform(rs, table)
            parts = _split(rs, data)
            files: list[str] = []
            chunks: list[pa.Table] = []
            months: dict[int, int] = {}
            for month, part in parts:
                directory = f"month={month}" if rs.partitioned else UNPARTITIONED_DIR
                for start in range(0, part.num_rows, FILE_ROWS):
                    files.append(f"{name}/{directory}/{batch_id}-{len(files)}.parquet")
                    chunks.append(part.slice(start, FILE_ROWS))
                months[month] = part.num_rows
            # Parquet encoding releases the GIL: files of different months encode in parallel.
            with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
                list(pool.map(_write_file, [self.root / f for f in files], chunks))
            seq = max((b.seq for b in self._log_entries()), default=0) + 1
            batch = Batch(
                id=batch_id,
                record_set=name,
                source=source,
                rows=data.num_rows,
                months=months,
                files=tuple(files),
                committed_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                seq=seq,
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
            _write_log(self.root / LOG_DIR, batch)
            return batch

    def vacuum(self) -> list[Path]:
        """Delete data files no committed batch names (orphans of crashed writes) and
        leftover temporary log files; return what was deleted."""
        with self.lock():
            committed = {self.root / rel for b in self._log_entries() for rel in b.files}
            removed: list[Path] = []
            for path in sorted(self.root.glob("*/*/*.parquet")):
                if path.parts[-3] == LOG_DIR or path in committed:
                    continue
                path.unlink()
                removed.append(path)
            for path in sorted((self.root / LOG_DIR).glob(".tmp-*")):
                path.unlink()
                removed.append(path)
            for directory in sorted(self.root.glob("*/*/")):
                if directory.is_dir() and not any(directory.iterdir()):
                    directory.rmdir()
            return removed


def _month_of(rel: str) -> int:
    part = rel.split("/")[1]
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


def _split(rs: RecordSet, table: pa.Table) -> list[tuple[int, pa.Table]]:
    """Sort by (month, key) and cut into one table per month (registries: month 0)."""
    if table.num_rows == 0:
        return []
    columns = [MONTH_COLUMN, *rs.key] if rs.partitioned else list(rs.key)
    if not is_sorted(table, columns):
        order = [(c, "ascending") for c in columns]
        table = table.take(pc.sort_indices(table, sort_keys=order))
    if not rs.partitioned:
        return [(0, table)]
    months = table[MONTH_COLUMN].to_numpy()
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    ends = np.r_[starts[1:], len(months)]
    return [(int(months[s]), table.slice(s, e - s)) for s, e in zip(starts, ends, strict=True)]


def _write_file(path: Path, table: pa.Table) -> None:
    private.make_dirs(path.parent)
    private.create_empty(path)  # Parquet then writes into a file that is already owner-only
    pq.write_table(table, path, row_group_size=ROW_GROUP_ROWS, compression="zstd")
    _fsync_path(path)


def _write_log(log_dir: Path, batch: Batch) -> None:
    final = log_dir / f"{batch.seq:010d}-{batch.id}.json"
    tmp = log_dir / f".tmp-{batch.id}-{os.getpid()}"
    private.write_text(tmp, json.dumps(batch.to_json(), ensure_ascii=False, indent=1))
    os.replace(tmp, final)
    _fsync_dir(log_dir)

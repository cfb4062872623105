"""``yigai warehouse migrate``: a warehouse with its own commit log becomes Delta tables.

Warehouses before Delta Lake kept one JSON entry per batch in ``_log/``. Their Parquet files
already sit where a Delta table keeps them (``<record_set>/month=<yyyymm>/…``), so nothing is
copied: each logged batch, in its order, becomes one Delta commit that adds its files, with the
batch (same id, sequence number and commit time) in the commit's metadata. The old log is
removed only once every batch is in its table.

The migration takes the writer lock and is idempotent: killed half-way, it is simply run
again (batches already committed to a table are skipped). A log entry that cannot be read, or
that names a file that is missing, stops it with the file named; nothing is removed then.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from yigai.records import schemas
from yigai.warehouse import lock as writer_lock
from yigai.warehouse import private, tables
from yigai.warehouse.errors import CorruptLogError
from yigai.warehouse.store import LEGACY_LOG_DIR, LOCK_FILE, Batch, _month_of, _write_commit


@dataclass(frozen=True)
class Migration:
    """What one run did: batches converted, batches found already converted."""

    converted: int
    skipped: int


def legacy_batches(root: Path) -> list[Batch]:
    """The batches of the old commit log at ``root``, in commit order ([] when none)."""
    log_dir = root / LEGACY_LOG_DIR
    if not log_dir.is_dir():
        return []
    out = []
    for path in sorted(p for p in log_dir.iterdir() if p.suffix == ".json"):
        try:
            out.append(Batch.from_json(json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, KeyError, AssertionError, TypeError) as exc:
            raise CorruptLogError(
                f"提交日志 {path} 无法读取：{exc}", f"commit log entry {path} is unreadable: {exc}"
            ) from exc
    return out


def migrate(root: Path) -> Migration:
    """Convert the warehouse at ``root`` to Delta tables (see the module docstring)."""
    root = Path(root)
    if not (root / LEGACY_LOG_DIR).is_dir():
        return Migration(0, 0)
    lock_path = root / LOCK_FILE
    fd = writer_lock.acquire(lock_path)
    try:
        old = legacy_batches(root)
        done = {
            data["batch_id"]
            for rs in schemas.ALL
            if tables.exists(root / rs.name)
            for _, data in tables.history(root / rs.name, tables.latest_version(root / rs.name))
        }
        converted = 0
        for batch in old:
            if batch.id in done:
                continue
            _convert(root, batch)
            converted += 1
        # Every batch is in its table: only now does the old log go.
        shutil.rmtree(root / LEGACY_LOG_DIR)
        return Migration(converted, len(old) - converted)
    finally:
        writer_lock.release(fd, lock_path)


def _convert(root: Path, batch: Batch) -> None:
    rs = schemas.get(batch.record_set)
    stats = []
    for rel in batch.files:
        path = root / rel
        if not path.is_file():
            raise CorruptLogError(
                f"批次 {batch.id} 的数据文件 {path} 不存在", f"batch {batch.id}: {path} is missing"
            )
        private.tighten(path.parent)
        rows = pq.read_metadata(path).num_rows
        stats.append(tables.stats(rows, _month_of(path) if rs.partitioned else None))
    _write_commit(root, rs, batch, stats)

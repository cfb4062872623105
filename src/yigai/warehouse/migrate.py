"""``yigai warehouse migrate``: a warehouse with its own commit log becomes Delta tables.

Warehouses before Delta Lake kept one JSON entry per batch in ``_log/``. Their Parquet files
already sit where a Delta table keeps them (``<record_set>/month=<yyyymm>/…``), so nothing is
copied: each logged batch, in its order, becomes one Delta commit that adds its files, with the
batch (same id, sequence number and commit time) in the commit's metadata. The old log is
removed only once every batch is in its table.

The migration takes the writer lock and is idempotent: killed half-way, it is simply run
again (batches already committed to a table are skipped). A log entry that cannot be read, or
that names a file that is missing, stops it with the file named; nothing is removed then.

It then gives the rows of every record set about persons their integer ``person_key``
(:mod:`yigai.warehouse.person_keys`) where their files were stored before it existed: each
such file is rewritten as ``<name>-keyed.parquet`` with the same rows and the key, keys are
assigned in the batches' order (residents first), the key map is saved, and one Delta commit
per table puts the new files in place of the old. Earlier versions still name the old files,
which stay (as-of reads, ``vacuum`` keeps them). Killed before a table's commit, the run is
simply repeated: the half-written files are orphans and the map only reserved keys.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from yigai.records import schemas
from yigai.records.fields import PERSON_ID, PERSON_KEY, RecordSet
from yigai.warehouse import audit, person_keys, private, tables
from yigai.warehouse import lock as writer_lock
from yigai.warehouse.errors import CorruptLogError
from yigai.warehouse.store import (
    LEGACY_LOG_DIR,
    LOCK_FILE,
    Batch,
    Warehouse,
    _month_of,
    _write_commit,
    _write_file,
)


@dataclass(frozen=True)
class Migration:
    """What one run did: batches converted, batches found already converted."""

    converted: int
    skipped: int
    #: data files rewritten with ``person_key``
    keyed: int = 0


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
    """Convert the warehouse at ``root`` to Delta tables and give its rows about persons
    their integer keys (see the module docstring)."""
    root = Path(root)
    lock_path = root / LOCK_FILE
    fd = writer_lock.acquire(lock_path)
    try:
        converted = skipped = 0
        if (root / LEGACY_LOG_DIR).is_dir():
            converted, skipped = _to_delta(root)
        return Migration(converted, skipped, _add_person_keys(root))
    finally:
        writer_lock.release(fd, lock_path)


def _to_delta(root: Path) -> tuple[int, int]:
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
    return converted, len(old) - converted


#: Rows whose pseudonyms are looked up in one go when migrating (bounds the memory held).
KEY_CHUNK_ROWS = 4 * 1024 * 1024


def _add_person_keys(root: Path) -> int:
    """Rewrite the files of record sets about persons stored without ``person_key``; the
    number of files rewritten."""
    wh = Warehouse(root)
    keys = person_keys.load(root)
    rewritten = 0
    for rs in schemas.ALL:  # residents before the record sets that refer to them
        paths = [p for p in wh._files(rs.name) if rs.keyed_by_person]
        old = [p for p in paths if PERSON_KEY not in pq.read_schema(p).names]
        if not old:
            continue
        added = []
        for chunk in _chunks(old):
            # One look-up for many files: the map is hashed once per chunk, not per file.
            ids = [pq.read_table(p, columns=[PERSON_ID])[PERSON_ID] for p in chunk]
            found, keys = keys.keys_of(pa.chunked_array([c for i in ids for c in i.chunks]))
            start = 0
            for path, column in zip(chunk, ids, strict=True):
                part = found.slice(start, len(column))
                start += len(column)
                added.append(_keyed_file(root, rs, path, part))
        person_keys.save(root, keys)  # before the commit: every committed key is in the map
        folder = (root / rs.name).resolve()
        removed = [str(p.resolve().relative_to(folder)) for p in old]
        meta = {"yigai.migration": f"{PERSON_KEY}: {len(old)} files"}
        tables.replace(root / rs.name, rs.arrow_schema(), removed, added, meta)
        audit.record(root, "write", rs.name, audit.personal_columns(rs.name), purpose="migrate")
        rewritten += len(old)
    return rewritten


def _chunks(paths: list[Path]) -> list[list[Path]]:
    out: list[list[Path]] = [[]]
    rows = 0
    for path in paths:
        n = pq.read_metadata(path).num_rows
        if out[-1] and rows + n > KEY_CHUNK_ROWS:
            out.append([])
            rows = 0
        out[-1].append(path)
        rows += n
    return out


def _keyed_file(root: Path, rs: RecordSet, path: Path, keys: pa.Array) -> tables.DataFile:
    """``path``'s rows with ``keys`` written as its keyed file, ready to commit."""
    schema = rs.arrow_schema()
    # Read as the stored schema: a column added since the file was written is null.
    table = ds.dataset([str(path)], schema=schema).to_table().drop_columns([PERSON_KEY])
    table = table.append_column(pa.field(PERSON_KEY, pa.int64()), keys)
    new = person_keys.keyed_name(path)
    _write_file(new, table.select(schema.names).cast(schema))
    month = _month_of(path) if rs.partitioned else None
    rel = str(new.resolve().relative_to((root / rs.name).resolve()))
    return tables.DataFile(rel, new.stat().st_size, tables.stats(len(table), month))


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

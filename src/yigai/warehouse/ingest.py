"""Ingestion (数据导入): validate a file or Arrow table against its record set and commit it.

Rules, in order, all vectorised:

1. Columns: a column is matched by field name or by its Chinese label (``zh``). Money may come
   as ``<name>_fen`` (integer fen) or as ``<name without _fen>`` / its Chinese label (yuan,
   at most two decimals). ``id_number`` (身份证号) becomes ``person_id`` (keyed pseudonym) and
   ``id_masked``; ``name`` (姓名) becomes ``name_masked`` where the record set keeps masked
   names. A ``person_id`` given directly must already be a pseudonym (32 hex). Unknown
   columns, a column given twice, or a missing required column reject the whole file.
2. Each column: required, type, code list, min/max (see :mod:`yigai.warehouse.convert`).
3. Row checks (``RecordSet.checks``) on rows whose columns all converted.
4. Keys: duplicates within the batch (every copy is rejected: which one is right is unknown),
   and keys already stored (months the batch touches; whole registry).
5. Foreign keys (``references``): the value must be a stored key of the referenced record set,
   or a key in this batch when a record set refers to itself.

A batch with any bad row is rejected whole (nothing stored) unless ``accept_partial``; then
the good rows are committed and the bad ones reported. Raw identity numbers and names are
never stored, and rejection reports show them masked.

Idempotency: ``batch_id`` = SHA-256 of (record set, file bytes or table content,
accept_partial). A committed batch id is never stored twice (status ``already_imported``).
A table's content is hashed as its Arrow IPC stream, so the same rows chunked differently get
another id; they are then rejected as keys already stored, so nothing is stored twice either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.people import identity
from yigai.records import schemas
from yigai.records.fields import MONTH_COLUMN, Field, Kind, RecordSet
from yigai.warehouse import convert as cv
from yigai.warehouse.columns import Source, plan_columns
from yigai.warehouse.readers import FileRejected, RawInput, read
from yigai.warehouse.report import IngestReport, Rejection, Status, scrub
from yigai.warehouse.store import Warehouse, is_sorted, month_column

__all__ = ["IngestReport", "Rejection", "Status", "ingest_file", "ingest_table"]

_HASH_PREFIX = b"yigai-batch-v1\0"


# ------------------------------------------------------------------ batch ids


class _HashSink:
    def __init__(self, digest: hashlib._Hash) -> None:
        self.digest = digest
        self.closed = False

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def _start_hash(record_set: str) -> hashlib._Hash:
    return hashlib.sha256(_HASH_PREFIX + record_set.encode() + b"\0")


def file_batch_id(record_set: str, path: Path, accept_partial: bool) -> str:
    digest = _start_hash(record_set)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    digest.update(b"\0partial" if accept_partial else b"\0whole")
    return digest.hexdigest()


def table_batch_id(record_set: str, table: pa.Table, accept_partial: bool) -> str:
    digest = _start_hash(record_set)
    sink = pa.PythonFile(_HashSink(digest), mode="w")
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    digest.update(b"\0partial" if accept_partial else b"\0whole")
    return digest.hexdigest()


# ------------------------------------------------------------------ entry points


def ingest_file(
    wh: Warehouse,
    record_set: str,
    path: Path,
    *,
    accept_partial: bool = False,
    key: bytes,
) -> IngestReport:
    """Import a CSV, XLSX or Parquet file into ``record_set``. A file with no data rows is
    rejected (an empty export is almost always a mistake)."""
    rs = schemas.get(record_set)
    path = Path(path)
    try:
        batch_id = file_batch_id(rs.name, path, accept_partial)
    except OSError as exc:
        report = IngestReport(rs.name, path.name, f"file:{path.name}", "", "rejected", 0, 0)
        zh, en = (
            f"无法读取文件：{exc.strerror or exc}",
            f"cannot read the file: {exc.strerror or exc}",
        )
        report.rejections.append(Rejection(path.name, None, None, None, zh, en))
        return report
    report = IngestReport(rs.name, path.name, f"file:{path.name}", batch_id, "rejected", 0, 0)
    if _already(wh, report):
        return report
    try:
        raw = read(path)
        if raw.table.num_rows == 0 and not raw.broken:
            raise FileRejected("文件中没有数据行", "the file has no data rows")
    except FileRejected as exc:
        report.rejections.append(Rejection(path.name, None, exc.column, None, exc.zh, exc.en))
        return report
    return _ingest(wh, rs, raw, report, accept_partial, key)


def ingest_table(
    wh: Warehouse,
    record_set: str,
    table: pa.Table,
    *,
    source: str,
    accept_partial: bool = False,
    key: bytes,
) -> IngestReport:
    """Import an Arrow table (e.g. from the synthetic generator) into ``record_set``; rows are
    numbered from 1 in rejections, whose ``file`` is ``source``. An empty table commits an
    empty batch."""
    rs = schemas.get(record_set)
    batch_id = table_batch_id(rs.name, table, accept_partial)
    report = IngestReport(rs.name, source, source, batch_id, "rejected", 0, 0)
    if _already(wh, report):
        return report
    raw = RawInput(table, np.arange(1, table.num_rows + 1, dtype=np.int64))
    try:
        return _ingest(wh, rs, raw, report, accept_partial, key)
    except FileRejected as exc:
        report.rejections.append(Rejection(source, None, exc.column, None, exc.zh, exc.en))
        return report


def _already(wh: Warehouse, report: IngestReport) -> bool:
    batch = wh.batch(report.batch_id)
    if batch is None:
        return False
    report.status = "already_imported"
    report.batch = batch
    report.rows_read = report.rows_stored = batch.rows
    return True


# ------------------------------------------------------------------ validation


@dataclass
class _Found:
    """Problems found so far: (column shown, mask, zh, en, values shown). Values may be given
    as a function, so the text of a column is only built when some row is bad."""

    n: int
    items: list[tuple[str, np.ndarray, str, str, pa.Array]] = field(default_factory=list)

    def add(
        self,
        column: str,
        mask: np.ndarray,
        zh: str,
        en: str,
        values: pa.Array | Callable[[], pa.Array],
    ) -> None:
        if mask.any():
            shown = values() if callable(values) else values
            self.items.append((column, mask, zh, en, shown))

    def bad(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for _, mask, _, _, _ in self.items:
            out |= mask
        return out


def _shown(values: pa.Array, mode: str) -> pa.Array:
    """Values as they may appear in a report: personal inputs masked."""
    raw = cv.text(values)
    if mode == "identity":
        masked = [identity.mask(v) for v in pc.unique(raw).drop_null().to_pylist()]
        lookup = pc.unique(raw).drop_null()
        return pc.take(pa.array(masked, pa.string()), pc.index_in(raw, value_set=lookup))
    if mode == "name":
        return cv.masked_names(raw)
    return raw


def _convert_columns(
    rs: RecordSet, table: pa.Table, plan: dict[str, Source], key: bytes, found: _Found
) -> dict[str, pa.Array]:
    n = table.num_rows
    out: dict[str, pa.Array] = {}
    ids: cv.Identities | None = None
    for f in rs.fields:
        src = plan.get(f.name)
        if src is None:
            out[f.name] = pa.nulls(n, f.arrow_type)
            continue
        values = table[src.column]
        if src.mode == "identity":
            if ids is None:
                ids = cv.identities(values, key, required_=f.required)
                for p in ids.problems:
                    found.add(src.column, p.mask, p.zh, p.en, _shown(values, "identity"))
            out[f.name] = ids.person_id if f.name == "person_id" else ids.id_masked
            continue
        if src.mode == "name":
            out[f.name] = cv.masked_names(values)
            for p in cv.required(f, out[f.name]):
                found.add(src.column, p.mask, p.zh, p.en, out[f.name])
            continue
        converted = cv.convert_yuan(f, values) if src.mode == "yuan" else cv.convert(f, values)
        shown = cv.text(values) if converted.problems else None
        for p in converted.problems:
            found.add(src.column, p.mask, p.zh, p.en, shown)
        array = converted.array
        if f.name in _ALREADY_PROTECTED:
            _check_protected(f.name, src.column, array, found)
        out[f.name] = array
    return out


#: Personal fields that may be given directly only in protected form, with the check and the
#: way a bad value is shown (masked: it may be the raw personal value).
_ALREADY_PROTECTED = {
    "person_id": (
        lambda v: pc.match_substring_regex(v, cv.PSEUDONYM_PATTERN),
        identity.mask,
        "居民标识应为假名（32位十六进制）；原始身份证号请放在 id_number 列",
        "person_id must be a pseudonym (32 hex); put raw identity numbers in id_number",
    ),
    "id_masked": (
        lambda v: pc.match_substring_regex(v, cv.ID_MASKED_PATTERN),
        identity.mask,
        "身份证号脱敏格式不正确；原始身份证号请放在 id_number 列",
        "id_masked is not a masked identity number; put raw numbers in id_number",
    ),
    "name_masked": (
        cv.is_masked_name,
        identity.mask_name,
        "姓名未脱敏；原始姓名请放在 name 列",
        "name_masked is not masked; put raw names in the name column",
    ),
}


def _check_protected(name: str, column: str, values: pa.Array, found: _Found) -> None:
    check, mask, zh, en = _ALREADY_PROTECTED[name]
    bad = cv.to_numpy_mask(pc.and_(pc.is_valid(values), pc.invert(check(values))))
    found.add(
        column,
        bad,
        zh,
        en,
        lambda: pa.array([None if v is None else mask(v) for v in values.to_pylist()], pa.string()),
    )


def _key_rows(keys: pa.Table, other: pa.Table, key: list[str]) -> np.ndarray:
    """Row indices (column ``__row``) of ``keys`` whose key appears in ``other``."""
    if other.num_rows == 0 or keys.num_rows == 0:
        return np.zeros(0, dtype=np.int64)
    hit = keys.join(other, keys=key, join_type="left semi", use_threads=True)
    return np.asarray(hit["__row"].to_numpy(), dtype=np.int64)


def _mask_of(rows: np.ndarray, n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def _as_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pc.cast(values, pa.string())


def _check_keys(
    wh: Warehouse, rs: RecordSet, typed: pa.Table, found: _Found, shown_as: dict[str, str]
) -> None:
    n = typed.num_rows
    key = list(rs.key)
    key_col = shown_as.get(key[0], key[0])

    def key_text() -> pa.Array:
        if len(key) == 1:
            return _as_text(typed[key[0]])
        return pc.binary_join_element_wise(*[_as_text(typed[k]) for k in key], "|")

    present = np.ones(n, dtype=bool)
    for k in key:
        present &= cv.to_numpy_mask(pc.is_valid(typed[k]))
    keys = (
        typed.select(key)
        .append_column("__row", pa.array(np.arange(n, dtype=np.int64)))
        .filter(pa.array(present))
    )
    if is_sorted(keys, key):
        # Sorted input (the generator's usual order): copies of a key are neighbours.
        same = np.zeros(keys.num_rows, dtype=bool)
        if keys.num_rows > 1:
            eq = np.ones(keys.num_rows - 1, dtype=bool)
            for k in key:
                column = keys[k]
                eq &= cv.to_numpy_mask(
                    pc.equal(column.slice(0, keys.num_rows - 1), column.slice(1))
                )
            same[:-1] |= eq
            same[1:] |= eq
        doubled = keys.filter(pa.array(same)).select(key)
    else:
        counts = keys.group_by(key).aggregate([("__row", "count")])
        doubled = counts.filter(pc.greater(counts["__row_count"], 1)).select(key)
    found.add(
        key_col,
        _mask_of(_key_rows(keys, doubled, key), n),
        "主键在本批次中重复出现",
        "the key appears more than once in this batch",
        key_text,
    )

    months = None
    if rs.partitioned:
        months = pc.unique(typed[MONTH_COLUMN]).drop_null().to_pylist()
    if months != [] and keys.num_rows:
        # Only stored keys within the batch's key range can collide; statistics skip the rest.
        lo, hi = pc.min_max(keys[key[0]]).values()
        first = pc.field(key[0])
        where = (first >= lo) & (first <= hi)
        stored = wh.read(
            rs.name, months=months, columns=key, where=where, scoped=False, purpose="ingest: keys"
        )
        found.add(
            key_col,
            _mask_of(_key_rows(keys, stored, key), n),
            "主键已存在于仓库中（重复导入）",
            "the key is already stored (duplicate import)",
            key_text,
        )

    for column, ref_name in rs.references:
        ref = schemas.get(ref_name)
        (ref_key,) = ref.key
        known = wh.read(ref_name, columns=[ref_key], scoped=False, purpose="ingest: references")[
            ref_key
        ]
        if ref_name == rs.name:
            known = pa.chunked_array([*known.chunks, _as_text(typed[ref_key]).cast(known.type)])
        values = typed[column]
        missing = pc.and_(
            pc.is_valid(values), pc.invert(pc.is_in(values, value_set=pc.unique(known)))
        )
        found.add(
            shown_as.get(column, column),
            cv.to_numpy_mask(missing),
            f"在{ref.zh}（{ref_name}）中不存在",
            f"not found in {ref_name}",
            lambda values=values: _as_text(values),
        )


def _ingest(
    wh: Warehouse,
    rs: RecordSet,
    raw: RawInput,
    report: IngestReport,
    accept_partial: bool,
    key: bytes,
) -> IngestReport:
    table = raw.table
    n = table.num_rows
    report.rows_read = n + len(raw.broken)
    try:
        plan = plan_columns(rs, table.column_names)
    except FileRejected as exc:
        report.rejections.append(Rejection(report.file, None, exc.column, None, exc.zh, exc.en))
        return report
    shown_as = {target: src.column for target, src in plan.items()}
    found = _Found(n)
    columns = _convert_columns(rs, table, plan, key, found)
    typed = pa.table(columns, schema=pa.schema([pa.field(f.name, f.arrow_type) for f in rs.fields]))
    if rs.partitioned:
        assert rs.partition_by is not None
        month = month_column(typed, rs.partition_by)
        if MONTH_COLUMN in plan:
            given = cv.convert(
                Field(MONTH_COLUMN, Kind.INT, "月份", "month"), table[plan[MONTH_COLUMN].column]
            )
            for p in given.problems:
                found.add(
                    plan[MONTH_COLUMN].column,
                    p.mask,
                    p.zh,
                    p.en,
                    cv.text(table[plan[MONTH_COLUMN].column]),
                )
            differs = pc.not_equal(given.array, pc.cast(month, pa.int64()))
            found.add(
                plan[MONTH_COLUMN].column,
                cv.to_numpy_mask(differs),
                f"月份与 {rs.partition_by} 不一致",
                f"month does not match {rs.partition_by}",
                cv.text(table[plan[MONTH_COLUMN].column]),
            )
        typed = typed.append_column(pa.field(MONTH_COLUMN, pa.int32()), month)

    column_ok = ~found.bad()
    for check in rs.checks:
        bad = cv.to_numpy_mask(check.bad_rows(typed)) & column_ok
        found.add(
            shown_as.get(check.column, check.column),
            bad,
            check.zh,
            check.en,
            lambda check=check: _as_text(typed[check.column]),
        )

    with wh.lock():
        if _already(wh, report):
            return report
        _check_keys(wh, rs, typed, found, shown_as)
        bad = found.bad()
        report.rejections = _rejections(report.file, raw, found)
        if (bad.any() or raw.broken) and not accept_partial:
            report.status = "rejected"
            return report
        good = typed.filter(pa.array(~bad))
        if good.num_rows == 0 and report.rows_read > 0:
            report.status = "rejected"
            return report
        report.batch = wh.commit(rs.name, good, report.batch_id, report.source)
        report.status = "committed"
        report.rows_stored = good.num_rows
    return report


def _rejections(file: str, raw: RawInput, found: _Found) -> list[Rejection]:
    out = [Rejection(file, b.row, None, None, b.zh, b.en) for b in raw.broken]
    for column, mask, zh, en, values in found.items:
        idx = np.flatnonzero(mask)
        shown = values.take(pa.array(idx)).to_pylist()
        rows = raw.rows[idx].tolist()
        out.extend(
            Rejection(file, r, column, scrub(v), zh, en) for r, v in zip(rows, shown, strict=True)
        )
    out.sort(key=lambda r: r.row or 0)
    return out

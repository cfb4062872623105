"""Ingestion (数据导入): validate a file or Arrow table against its record set and commit it.

Rules, in order, all vectorised:

0. Key: a record set with ``person_id`` is refused whole under a pseudonym key other than the
   warehouse's, or under the public demo key outside a demo warehouse
   (:mod:`yigai.warehouse.keys`).
1. Columns: a column is matched by field name or by its Chinese label (``zh``). Money may come
   as ``<name>_fen`` (integer fen) or as ``<name without _fen>`` / its Chinese label (yuan,
   at most two decimals). ``id_number`` (身份证号) becomes ``person_id`` (keyed pseudonym) and
   ``id_masked``; ``name`` (姓名) becomes ``name_masked`` where the record set keeps masked
   names. A ``person_id`` given directly must already be a pseudonym (32 hex). Unknown
   columns, a column given twice, or a missing required column reject the whole file.
2. Each column: length (at most ``MAX_CELL_CHARS`` characters), required, type, code list
   (a code or its Chinese name), min/max, no event date after the import day (``today``)
   (see :mod:`yigai.warehouse.convert`);
   personal inputs (:mod:`yigai.warehouse.personal`): sex and birth date must agree with the
   identity number, only the birth year-month is kept, and a raw identity number inside any
   other text column rejects the row.
3. Row checks (``RecordSet.checks``) on rows whose columns all converted.
4. Keys: duplicates within the batch (every copy is rejected: which one is right is unknown),
   and keys already stored (months the batch touches; whole registry). A versioned record set
   (org units, residents, staff, contracts) is keyed by entity and ``version_from``: a stored
   version repeated unchanged is skipped, one with other content refused, a later version is
   a correction, audited (:mod:`yigai.warehouse.versioned`). ``org_units`` must leave the
   whole org tree usable (no unknown parent, self-parent or cycle on any day).
5. Foreign keys (``references``): the value must be a stored key of the referenced record set,
   or a key in this batch when a record set refers to itself.
   Rules 4 and 5 run under the warehouse lock (:mod:`yigai.warehouse.key_checks`).

A batch with any bad row is rejected whole (nothing stored) unless ``accept_partial``; then
the good rows are committed and the bad ones reported. Raw identity numbers and names are
never stored, and rejection reports show them masked.

Idempotency: ``batch_id`` = SHA-256 of (record set, file bytes or table content,
accept_partial). A committed batch id is never stored twice (status ``already_imported``).
A table's content is hashed as its Arrow IPC stream, so the same rows chunked differently get
another id; they are then rejected as keys already stored, so nothing is stored twice either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.people import identity
from yigai.records import schemas, versions
from yigai.records.fields import MONTH_COLUMN, Field, Kind, RecordSet
from yigai.warehouse import convert as cv
from yigai.warehouse import keys, personal, versioned
from yigai.warehouse.columns import FROM_IDENTITY, Source, plan_columns
from yigai.warehouse.key_checks import as_text, check_keys, check_tree
from yigai.warehouse.personal import Found
from yigai.warehouse.readers import FileRejected, RawInput, read
from yigai.warehouse.report import IngestReport, Rejection, Status, scrub
from yigai.warehouse.store import Warehouse, month_column

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

#: ``(phase, done, total)``, as :data:`yigai.console.ProgressFn`.
Progress = Callable[[str, int, int | None], None]
READ, VALIDATE, WRITE = PHASES = ("读取 read", "校验 validate", "写入 write")


def _silent(phase: str, done: int, total: int | None) -> None:
    """No progress wanted."""


def ingest_file(
    wh: Warehouse,
    record_set: str,
    path: Path,
    *,
    accept_partial: bool = False,
    key: bytes,
    allow_demo_key: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Import a CSV, XLSX or Parquet file into ``record_set``. A file with no data rows is
    rejected (an empty export is almost always a mistake). Personal records are refused
    under a key other than the warehouse's, or under the public demo key outside a demo
    warehouse unless ``allow_demo_key`` (:mod:`yigai.warehouse.keys`). Event dates after
    ``today`` (default: the current date) are rejected. ``progress`` is told of each phase
    (:data:`PHASES`: read, validate, write) as ``(phase, done, 1)``."""
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
    step = progress or _silent
    step(READ, 0, 1)
    try:
        raw = read(path)
        if raw.table.num_rows == 0 and not raw.broken:
            raise FileRejected("文件中没有数据行", "the file has no data rows")
    except FileRejected as exc:
        report.rejections.append(Rejection(path.name, None, exc.column, None, exc.zh, exc.en))
        return report
    step(READ, 1, 1)
    return _ingest(
        wh, rs, raw, report, accept_partial, key, allow_demo_key, today=today, progress=step
    )


def ingest_table(
    wh: Warehouse,
    record_set: str,
    table: pa.Table,
    *,
    source: str,
    accept_partial: bool = False,
    key: bytes,
    allow_demo_key: bool = False,
    today: dt.date | None = None,
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
        return _ingest(wh, rs, raw, report, accept_partial, key, allow_demo_key, today=today)
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
    rs: RecordSet,
    table: pa.Table,
    plan: dict[str, Source],
    key: bytes,
    found: Found,
    today: dt.date | None = None,
) -> dict[str, pa.Array]:
    n = table.num_rows
    out: dict[str, pa.Array] = {}
    ids = _identities(rs, table, plan, key, found)
    for f in rs.fields:
        src = plan.get(f.name)
        if src is None:
            out[f.name] = pa.nulls(n, f.arrow_type)
            continue
        values = table[src.column]
        if src.mode == "identity":
            assert ids is not None
            out[f.name] = personal.from_identity(f.name, ids)
            continue
        if f.name in FROM_IDENTITY:
            out[f.name] = personal.checked_against_identity(f, src, values, ids, found, today)
            continue
        if src.mode == "name":
            out[f.name] = cv.masked_names(values)
            for p in cv.required(f, out[f.name]):
                found.add(src.column, p.mask, p.zh, p.en, out[f.name])
            continue
        converted = (
            cv.convert_yuan(f, values) if src.mode == "yuan" else cv.convert(f, values, today)
        )
        shown = cv.text(values) if converted.problems else None
        for p in converted.problems:
            found.add(src.column, p.mask, p.zh, p.en, shown)
        array = converted.array
        if f.name in _ALREADY_PROTECTED:
            _check_protected(f.name, src.column, array, found)
        out[f.name] = array
    if "birth_ym" in out:
        personal.hide_birthday(rs, table, plan, ids, out)
    return out


def _cap_cells(table: pa.Table, plan: dict[str, Source], found: Found) -> pa.Table:
    """Over-long text cells rejected and cut before any other check reads them."""
    for column in {src.column for src in plan.values()}:
        values, long = cv.cap_cells(table[column])
        if long.any():
            found.add(column, long, *cv.TOO_LONG, lambda values=values: cv.text(values))
            i = table.column_names.index(column)
            table = table.set_column(i, table.field(i), values)
    return table


def _identities(
    rs: RecordSet, table: pa.Table, plan: dict[str, Source], key: bytes, found: Found
) -> cv.Identities | None:
    src = plan.get("person_id")
    if src is None or src.mode != "identity":
        return None
    values = table[src.column]
    ids = cv.identities(values, key, required_=rs.field("person_id").required)
    for p in ids.problems:
        found.add(src.column, p.mask, p.zh, p.en, _shown(values, "identity"))
    return ids


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


def _check_protected(name: str, column: str, values: pa.Array, found: Found) -> None:
    check, mask, zh, en = _ALREADY_PROTECTED[name]
    bad = cv.to_numpy_mask(pc.and_(pc.is_valid(values), pc.invert(check(values))))
    found.add(
        column,
        bad,
        zh,
        en,
        lambda: pa.array([None if v is None else mask(v) for v in values.to_pylist()], pa.string()),
    )


def _ingest(
    wh: Warehouse,
    rs: RecordSet,
    raw: RawInput,
    report: IngestReport,
    accept_partial: bool,
    key: bytes,
    allow_demo_key: bool = False,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    step = progress or _silent
    step(VALIDATE, 0, 1)
    table = raw.table
    n = table.num_rows
    report.rows_read = n + len(raw.broken)
    wh.grant_for(rs.name)  # no grant: refused before any check could tell what is stored
    keyed = "person_id" in rs.names  # pseudonyms under the deployment's key
    if keyed and _key_refused(wh, key, allow_demo_key, report):
        return report
    try:
        plan = plan_columns(rs, table.column_names)
    except FileRejected as exc:
        report.rejections.append(Rejection(report.file, None, exc.column, None, exc.zh, exc.en))
        return report
    shown_as = {target: src.column for target, src in plan.items()}
    found = Found(n)
    typed = _validate(rs, table, plan, key, found, shown_as, today or dt.date.today())

    with wh.lock():
        if _already(wh, report):
            return report
        if keyed and _key_refused(wh, key, allow_demo_key, report):  # another import's key
            return report
        good = _rows_to_store(wh, rs, raw, typed, found, shown_as, report, accept_partial)
        if good is None:
            return report
        step(VALIDATE, 1, 1)
        step(WRITE, 0, 1)
        _commit(wh, rs, good, report, keyed, key)
    step(WRITE, 1, 1)
    return report


def _validate(
    rs: RecordSet,
    table: pa.Table,
    plan: dict[str, Source],
    key: bytes,
    found: Found,
    shown_as: dict[str, str],
    today: dt.date,
) -> pa.Table:
    """Rules 1-3 (no warehouse read): the batch converted to the record set's types, with
    every column and row problem added to ``found``."""
    table = _cap_cells(table, plan, found)
    columns = _convert_columns(rs, table, plan, key, found, today)
    typed = pa.table(columns, schema=pa.schema([pa.field(f.name, f.arrow_type) for f in rs.fields]))
    personal.reject_hidden_numbers(rs, typed, found, shown_as)
    if rs.partitioned:
        typed = _with_month(rs, table, typed, plan, found)

    if rs.versioned:
        typed = versions.filled(typed)  # no version_from: the entity's first version
    column_ok = ~found.bad()
    for check in rs.checks:
        bad = cv.to_numpy_mask(check.bad_rows(typed)) & column_ok
        found.add(
            shown_as.get(check.column, check.column),
            bad,
            check.zh,
            check.en,
            lambda check=check: as_text(typed[check.column]),
        )
    return typed


def _with_month(
    rs: RecordSet, table: pa.Table, typed: pa.Table, plan: dict[str, Source], found: Found
) -> pa.Table:
    """``typed`` with its partition month; a month column given in the file must agree."""
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
    return typed.append_column(pa.field(MONTH_COLUMN, pa.int32()), month)


def _rows_to_store(
    wh: Warehouse,
    rs: RecordSet,
    raw: RawInput,
    typed: pa.Table,
    found: Found,
    shown_as: dict[str, str],
    report: IngestReport,
    accept_partial: bool,
) -> pa.Table | None:
    """Rules 4-5 (under the lock), then the rows to store; None when nothing is to be
    stored, with ``report`` saying why."""
    skip = check_keys(wh, rs, typed, found, shown_as)
    if rs.name == "org_units":
        check_tree(wh, typed, found, shown_as)
    bad = found.bad()
    report.rejections = _rejections(report.file, raw, found)
    if (bad.any() or raw.broken) and not accept_partial:
        report.status = "rejected"
        return None
    good = typed.filter(pa.array(~bad & ~skip))
    if good.num_rows == 0 and skip.any() and not bad.any():
        report.status = "already_imported"  # every version is stored as it is
        return None
    if good.num_rows == 0 and report.rows_read > 0:
        report.status = "rejected"
        return None
    return good


def _commit(
    wh: Warehouse, rs: RecordSet, good: pa.Table, report: IngestReport, keyed: bool, key: bytes
) -> None:
    """Store ``good`` as the report's batch (under the lock), with its corrections audited
    and, for personal records, the pseudonym key's fingerprint."""
    corrections = versioned.changes(wh, rs, good) if rs.versioned else []
    report.batch = wh.commit(rs.name, good, report.batch_id, report.source)
    versioned.record_changes(wh, rs, corrections, report.batch_id)
    if keyed:
        keys.record(wh.root, key)
    report.status = "committed"
    report.rows_stored = good.num_rows


def _key_refused(wh: Warehouse, key: bytes, allow_demo_key: bool, report: IngestReport) -> bool:
    """Report (and return True) when the key may not be used here (:func:`keys.check`)."""
    try:
        keys.check(wh.root, key, allow_demo_key=allow_demo_key)
    except keys.KeyRefused as exc:
        report.rejections = [Rejection(report.file, None, None, None, exc.zh, exc.en)]
        return True
    return False


def _rejections(file: str, raw: RawInput, found: Found) -> list[Rejection]:
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

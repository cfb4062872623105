"""报告文件缓存 (the report files behind the download buttons): the monthly report or
quarterly bulletin of one unit and period, written by the same library calls as
``yigai report`` (:mod:`yigai.reports.produce`) and kept on disk.

Writing one takes seconds (the PDF most of them), so the four files are cached per unit,
period, product and *state of the inputs*: the version of every warehouse table
(:meth:`Warehouse.snapshot`) and a fingerprint of the store's rows a report reads (reported
values, reform tasks and progress, manual scores). Any new batch or entry changes the key,
and the next download writes the files afresh; the files of older states of the same unit
and period are deleted then. The report is read from the warehouse as of the snapshot in the
key (:meth:`Warehouse.at`), so the files always match the state they are filed under.

Files land in a temporary folder renamed into place, so a reader never sees half a set, and
one lock per key makes simultaneous requests for the same report write it once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yigai.periods import Period
from yigai.warehouse import Warehouse
from yigai.warehouse.private import make_dirs

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def cache_root(warehouse_root: Path) -> Path:
    """``<home>/cache/reports`` beside the warehouse (``<home>/warehouse``)."""
    return warehouse_root.parent / "cache" / "reports"


def store_state(db: Session) -> list[list[object]]:
    """A fingerprint of the store rows a report reads: count and newest id of each table
    (a new revision is a new row; a deletion lowers the count), the cancelled tasks and
    when a plan was last loaded (the two things changed in place)."""
    from yigai.store import ManualScore, ReformPlan, ReformProgress, ReformTask, ReportedValue

    queries = [select(func.count(), func.max(m.id)) for m in (ReportedValue, ManualScore)]
    queries += [
        select(func.count(), func.max(ReformProgress.id)),
        select(func.count(), func.max(ReformTask.id), func.count().filter(ReformTask.cancelled)),
        select(func.count(), func.max(ReformPlan.loaded_at)),
    ]
    return [[str(v) if v is not None else None for v in db.execute(q).one()] for q in queries]


@dataclass(frozen=True)
class Key:
    """What one set of report files is filed under."""

    unit_id: str
    period: Period
    kind: str
    snapshot: dict[str, int]
    store: list[list[object]]

    @property
    def prefix(self) -> str:
        return f"{self.kind}_{self.unit_id}_{self.period.id}_"

    @property
    def folder(self) -> str:
        state = json.dumps([self.snapshot, self.store], sort_keys=True).encode()
        return self.prefix + hashlib.sha256(state).hexdigest()[:16]


def key_for(wh: Warehouse, db: Session, unit_id: str, period: Period, kind: str) -> Key:
    return Key(unit_id, period, kind, wh.snapshot().to_json(), store_state(db))


def _lock_of(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


def cached(wh: Warehouse, key: Key) -> dict[str, Path] | None:
    """The files of ``key`` if they are written already."""
    folder = cache_root(wh.root) / key.folder
    if not folder.is_dir():
        return None
    found = {p.suffix[1:]: p for p in folder.iterdir() if p.suffix[1:] in FORMATS}
    return found if set(found) == set(FORMATS) else None


def files_for(wh: Warehouse, db: Session, key: Key) -> dict[str, Path]:
    """The report's files by format, written now unless ``key``'s are cached."""
    from yigai.reports import produce

    hit = cached(wh, key)
    if hit is not None:
        return hit
    root = make_dirs(cache_root(wh.root))
    with _lock_of(key.folder):
        # written by the request we waited for (under the state it left: see below)
        hit = cached(wh, key) or cached(wh, replace(key, store=store_state(db)))
        if hit is not None:
            return hit
        work = root / f".{key.folder}.{threading.get_ident()}.tmp"
        shutil.rmtree(work, ignore_errors=True)
        try:
            data = produce.assemble(
                wh.at(key.snapshot), db, key.period, kind=key.kind, region_id=key.unit_id
            )
            produce.write(data, key.kind, work)
            # Assembling may change the store: a store without any task is given the demo
            # plan first (yigai.reports.tasks). File the files under the state they show,
            # which is the state the next request's key sees.
            shown = replace(key, store=store_state(db))
            # another process may have filed the same state first: then keep theirs
            with contextlib.suppress(OSError):
                work.replace(root / shown.folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)  # a failed or a losing attempt
        _drop_older(root, shown)
    found = cached(wh, shown)
    assert found is not None, shown.folder
    return found


def _drop_older(root: Path, key: Key) -> None:
    """Remove the files of earlier states of the same report: they can no longer be asked for."""
    for old in root.glob(key.prefix + "*"):
        if old.name != key.folder and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)

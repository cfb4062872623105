"""Importing versioned registries (登记簿更正): corrections as new dated versions, never edits.

For a versioned record set (``RecordSet.versioned``) ingestion keys rows by entity and
``version_from`` (see :mod:`yigai.records.versions`):

* a version already stored with the same content is skipped (re-importing a correction, or a
  full export that repeats stored rows, stores nothing twice);
* a version already stored with other content is refused: the stored row stays as it was,
  and the message says to import a correction with a later ``version_from``;
* a new version of a stored entity (or a second version in the same file) is a correction
  (更正), or a retirement (注销) when it has a ``retired_reason``; each is written to the audit
  trail with the entity key, the version's first day and the reason.

For ``org_units`` the whole resulting tree (stored versions plus the file's) must stay
usable on every day: a version whose parent is unknown that day, itself, or closes a cycle is
refused with its row, column ``parent_id`` and the reason. Parents may come in the same file,
in any order.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.orgs.hierarchy import parent_problems
from yigai.records.fields import RETIRED_REASON, VERSION_FROM, RecordSet
from yigai.records.versions import BEGINNING, filled
from yigai.warehouse import audit
from yigai.warehouse.store import Warehouse

EDITED = (
    "该版本已存在且内容不同：登记簿不能原地修改，更正请以新的版本生效日期（version_from）导入",
    "this version is already stored with other content: registries are never edited in "
    "place; import the correction with a later version_from",
)


def _same(a: pa.ChunkedArray, b: pa.ChunkedArray) -> np.ndarray:
    """Row-wise equality where two nulls are equal."""
    eq = pc.fill_null(pc.equal(a, b), False)
    both_null = pc.and_(pc.is_null(a), pc.is_null(b))
    return np.asarray(pc.or_(eq, both_null), dtype=bool)


def stored_matches(
    wh: Warehouse, rs: RecordSet, typed: pa.Table, keys: pa.Table, stored: pa.Table
) -> tuple[np.ndarray, np.ndarray]:
    """Rows (indices into ``typed``, from ``keys``' ``__row``) whose version (``stored``: the
    stored keys that may collide) is stored: with the same content (to skip) and with other
    content (edits, refused). Whole rows are read only for the versions that collide."""
    key = list(rs.stored_key)
    empty = np.zeros(0, dtype=np.int64)
    if stored.num_rows == 0 or keys.num_rows == 0:
        return empty, empty
    # Rows stored before versions existed have no version_from: their first version.
    hit = keys.join(filled(stored).select(key), keys=key, join_type="inner")
    if hit.num_rows == 0:
        return empty, empty
    ids = pc.unique(hit[key[0]])
    theirs = filled(
        wh.read(rs.name, where=pc.field(key[0]).isin(ids), scoped=False, purpose="ingest: keys")
    )
    theirs = theirs.rename_columns([f"__s_{c}" for c in theirs.column_names])
    hit = hit.join(theirs, keys=key, right_keys=[f"__s_{k}" for k in key], join_type="inner")
    rows = np.asarray(hit["__row"].to_numpy(), dtype=np.int64)
    mine = typed.take(pa.array(rows))
    same = np.ones(len(rows), dtype=bool)
    for name in rs.names:
        if name not in key:
            same &= _same(mine[name], hit[f"__s_{name}"])
    return rows[same], rows[~same]


def tree_problems(wh: Warehouse, typed: pa.Table, ok: np.ndarray) -> list[tuple[int, str, str]]:
    """Rows of an ``org_units`` batch (indices into ``typed``) that would break the stored
    tree plus the batch's rows still ``ok``, with the reason. A retirement that leaves a
    stored unit without its parent is reported on the retiring row."""
    stored = filled(
        wh.read(
            "org_units",
            columns=["org_id", "parent_id", VERSION_FROM, RETIRED_REASON],
            scoped=False,
            purpose="ingest: org tree",
        )
    )
    out: list[tuple[int, str, str]] = []
    ok = ok.copy()
    while True:  # a refused row may orphan a row that named it as parent: check again
        rows = np.flatnonzero(ok)
        mine = typed.select(stored.column_names).take(pa.array(rows))
        # A stored version the batch repeats is the batch's row (the same content or refused).
        keep = pc.invert(pc.is_in(_version_ids(stored), value_set=_version_ids(mine)))
        units = pa.concat_tables([mine, stored.filter(keep)], promote_options="permissive")
        found = []
        for p in parent_problems(units):
            if p.row < len(rows):
                found.append((int(rows[p.row]), p.zh, p.en))
                continue
            # A stored unit lost its parent: blame the batch's rows that retired the parent.
            for i in np.flatnonzero(
                np.asarray(pc.equal(mine["org_id"], p.parent_id or ""), dtype=bool)
                & np.asarray(pc.is_valid(mine[RETIRED_REASON]), dtype=bool)
            ):
                found.append(
                    (
                        int(rows[i]),
                        f"仍是下级机构 {p.org_id} 的上级，不能注销",
                        f"still the parent of {p.org_id}; it cannot be retired",
                    )
                )
        if not found:
            return out
        out.extend(found)
        ok[[r for r, _, _ in found]] = False


def _version_ids(t: pa.Table) -> pa.Array:
    return pc.binary_join_element_wise(t["org_id"], pc.cast(t[VERSION_FROM], pa.string()), "|")


def changes(wh: Warehouse, rs: RecordSet, good: pa.Table) -> list[dict[str, object]]:
    """The rows of ``good`` that correct or retire an entity: a retirement, or a version
    later than the entity's first one (stored or in this batch)."""
    key = list(rs.key)
    mine = good.select([*key, VERSION_FROM, RETIRED_REASON])
    # A version from 1900-01-01 is always an entity's first: only later or retiring ones
    # can be changes (a plain import, however large, has none).
    later = pc.or_(
        pc.greater(mine[VERSION_FROM], pa.scalar(BEGINNING, pa.date32())),
        pc.is_valid(mine[RETIRED_REASON]),
    )
    if not pc.any(later).as_py():
        return []
    mine = mine.filter(pc.is_in(mine[key[0]], value_set=pc.filter(mine[key[0]], later)))
    first_key = pc.field(key[0])
    stored = wh.read(
        rs.name,
        columns=[*key, VERSION_FROM],
        where=first_key.isin(pc.unique(mine[key[0]])),
        scoped=False,
        purpose="ingest: corrections",
    )
    cols = [*key, VERSION_FROM]
    every = pa.concat_tables(
        [filled(stored).select(cols), mine.select(cols)], promote_options="permissive"
    )
    first = every.group_by(key).aggregate([(VERSION_FROM, "min")])
    joined = mine.join(first, keys=key)
    out = []
    for r in joined.to_pylist():
        if r[RETIRED_REASON] is None and r[VERSION_FROM] <= r[f"{VERSION_FROM}_min"]:
            continue  # the entity's first version: an addition, not a correction
        out.append(r)
    return out


def record_changes(wh: Warehouse, rs: RecordSet, rows: list[dict[str, object]], batch: str) -> None:
    """Write one audit entry per correction or retirement."""
    for r in rows:
        since = r[VERSION_FROM]
        audit.record_version(
            wh.root,
            "retire" if r[RETIRED_REASON] is not None else "correct",
            rs.name,
            {k: r[k] for k in rs.key},
            BEGINNING.isoformat() if since is None else str(since),
            r[RETIRED_REASON],  # type: ignore[arg-type]
            batch,
        )

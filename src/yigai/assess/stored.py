"""Manual scores as stored inputs (手工评分入库): entered once, read by every path.

A score sheet (:mod:`yigai.assess.manual`: ``org_id,item_id,value[,note]``) is imported for
one scheme and one period with :func:`import_scores`: the sheet is read and checked against
the scheme — a manual item of the scheme, a unit the scheme assesses, points within the
item's weight, a whole count for a deduction item — and only then stored, all rows or none
(the caller's transaction), so a bad sheet never touches the scores already stored. A row
whose value and note equal the stored ones is unchanged; a changed one becomes a new
revision and the old one is kept, superseded. Importing the same sheet again changes nothing.

:func:`stored_scores` gives the scores in force as the tables :func:`yigai.assess.assess`
takes. ``yigai assess --manual``, ``yigai report`` and ``yigai demo`` all read them from here,
so the same warehouse and store give the same scores on every path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from yigai.assess.assessment import AssessmentError, _manual, _units
from yigai.assess.manual import SCHEMA, read_manual_scores
from yigai.assess.model import Scheme
from yigai.periods import parse
from yigai.store.models_manual import ManualScore, ManualScoreImport
from yigai.warehouse.audit import current_user


@dataclass(frozen=True)
class ScoreImport:
    """What one import did: ``committed`` (something stored) or ``unchanged``."""

    status: str
    scheme_id: str
    period_id: str
    rows_total: int
    rows_stored: int
    rows_unchanged: int


def import_scores(
    session: Session, path: str | Path, scheme: Scheme, period_id: str, org_units: pa.Table
) -> ScoreImport:
    """Check the sheet at ``path`` against ``scheme`` and store it for ``period_id`` (module
    docstring); :class:`AssessmentError` names the file, row and reason of every problem."""
    path = Path(path)
    period = parse(period_id)
    if period.grain != scheme.grain:
        raise AssessmentError(
            f"{path.name}：方案 {scheme.id} 按{scheme.grain.value}考核，周期 {period_id} 不符 / "
            f"{path.name}: scheme {scheme.id} assesses by {scheme.grain.value}, not {period_id}"
        )
    if not path.is_file():
        raise AssessmentError(f"找不到手工评分文件 {path} / manual score file {path} not found")
    table = read_manual_scores(path)
    ids = {u.org_id for u in _units(scheme, org_units)}
    try:
        _manual(scheme, table, ids)  # the scheme's own checks, before anything is written
    except AssessmentError as exc:
        raise AssessmentError(f"{path.name}：\n{exc}") from None
    current = {
        (s.org_id, s.item_id): s
        for s in session.scalars(
            select(ManualScore).where(
                ManualScore.scheme_id == scheme.id,
                ManualScore.period_id == period.id,
                ManualScore.is_current.is_(True),
            )
        )
    }
    rows = table.to_pylist()
    changed = [
        (n, r)
        for n, r in enumerate(rows, start=2)  # row 1 is the header
        if (old := current.get((r["org_id"], r["item_id"]))) is None
        or (old.value, old.note) != (r["value"], r["note"])
    ]
    if not changed:
        return ScoreImport("unchanged", scheme.id, period.id, len(rows), 0, len(rows))
    batch = ManualScoreImport(
        scheme_id=scheme.id,
        period_id=period.id,
        file_name=path.name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        user=current_user(),
        rows_total=len(rows),
        rows_stored=len(changed),
        rows_unchanged=len(rows) - len(changed),
    )
    session.add(batch)
    session.flush()
    now = dt.datetime.now(dt.UTC)
    for n, r in changed:
        old = current.get((r["org_id"], r["item_id"]))
        if old is not None:
            old.is_current = False
            old.superseded_at = now
        session.add(
            ManualScore(
                scheme_id=scheme.id,
                period_id=period.id,
                org_id=r["org_id"],
                item_id=r["item_id"],
                revision=1 if old is None else old.revision + 1,
                value=r["value"],
                note=r["note"],
                is_current=True,
                import_id=batch.id,
                source_row=n,
            )
        )
    session.flush()
    return ScoreImport(
        "committed", scheme.id, period.id, len(rows), len(changed), len(rows) - len(changed)
    )


def stored_scores(
    session: Session, scheme_id: str, period_ids: Iterable[str]
) -> dict[str, pa.Table]:
    """The scores in force for ``scheme_id``, by period id (``org_id, item_id, value, note``);
    a period nobody scored is absent."""
    wanted = sorted(set(period_ids))
    found = session.scalars(
        select(ManualScore)
        .where(
            ManualScore.scheme_id == scheme_id,
            ManualScore.period_id.in_(wanted),
            ManualScore.is_current.is_(True),
        )
        .order_by(ManualScore.period_id, ManualScore.org_id, ManualScore.item_id)
    ).all()
    out: dict[str, list[dict[str, str | None]]] = {}
    for s in found:
        out.setdefault(s.period_id, []).append(
            {"org_id": s.org_id, "item_id": s.item_id, "value": s.value, "note": s.note}
        )
    return {pid: pa.Table.from_pylist(rows, schema=SCHEMA) for pid, rows in out.items()}

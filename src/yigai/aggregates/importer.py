"""Importing reported values (上报数据导入): atomic, idempotent, with every revision kept.

- Atomic: the whole file is one transaction. A file with any rejected row stores nothing,
  unless ``accept_partial`` is set, when the good rows are stored and the bad ones reported.
- Idempotent: importing the same bytes again changes nothing (status ``already_imported``);
  a row equal to the value in force is left alone (counted as unchanged).
- Revisions: a different value for a stored indicator × org unit × period becomes the next
  revision; the previous one is marked superseded (``is_current`` false, ``superseded_at``)
  and kept, so every number ever reported can be traced.
The importer commits the session it is given (or rolls it back on error).

Who: the import and its audit entry name the deployment's user (``YIGAI_USER``, else the OS
user), as every other audit entry does; who the form says filled it in (填报人,
``filled_by``) is kept apart, as given, so nobody writes another person's name as the importer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from yigai.aggregates.errors import Rejection, Warning_
from yigai.aggregates.params import parameter
from yigai.aggregates.reading import read_rows
from yigai.aggregates.spec import specs
from yigai.aggregates.validation import Key, ReportedRow, jump_warnings, validate
from yigai.store import AggregateImport, ReportedValue, audit
from yigai.store.models import utcnow
from yigai.warehouse.audit import current_user

Status = Literal["committed", "rejected", "already_imported", "unchanged"]


@dataclass
class ImportReport:
    """What an import did. ``stored`` counts new revisions; ``blank`` rows had no values."""

    file: str
    status: Status
    rows: int = 0
    blank: int = 0
    stored: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    import_id: int | None = None

    def summary(self) -> str:
        return (
            f"{self.file}：{self.status}，共{self.rows}行，新增/更正{self.stored}行，未变{self.unchanged}行，"
            f"空白{self.blank}行，拒收{len(self.rejections)}条，预警{len(self.warnings)}条 / "
            f"{self.file}: {self.status}, {self.rows} rows, {self.stored} stored, "
            f"{self.unchanged} unchanged, {self.blank} blank, {len(self.rejections)} rejections, "
            f"{len(self.warnings)} warnings"
        )


def _current(session: Session, keys: Iterable[Key]) -> dict[Key, ReportedValue]:
    wanted = set(keys)
    if not wanted:
        return {}
    indicators = {k[0] for k in wanted}
    period_ids = {k[2] for k in wanted}
    rows = session.scalars(
        select(ReportedValue).where(
            ReportedValue.is_current.is_(True),
            ReportedValue.indicator_id.in_(indicators),
            ReportedValue.period_id.in_(period_ids),
        )
    )
    out: dict[Key, ReportedValue] = {}
    for r in rows:
        key = (r.indicator_id, r.org_id, r.period_id)
        if key in wanted:
            out[key] = r
    return out


def _threshold(fixed: Decimal | None) -> Callable[[dt.date], Decimal]:
    """The jump threshold in force on a day: ``fixed`` if given, else the dated parameter."""
    if fixed is not None:
        return lambda _day: fixed
    return parameter("month_on_month_jump").at


def import_file(
    session: Session,
    path: str | Path,
    *,
    catalogue_ids: Iterable[object] | Mapping[str, object],
    org_ids: Collection[str],
    accept_partial: bool = False,
    periods: Collection[str] | None = None,
    jump_threshold: Decimal | None = None,
    filled_by: str | None = None,
) -> ImportReport:
    """Validate and store the reported values of an XLSX or CSV file.

    ``catalogue_ids``: the indicators that may be reported (ids, ``IndicatorSpec`` or catalogue
    ``Indicator`` entries); ``org_ids``: the org units that may report; ``periods``: if given,
    the only period ids accepted; ``jump_threshold``: overrides the dated parameter;
    ``filled_by``: who the form says filled it in (填报人), at most 100 characters.
    """
    filled_by = check_filled_by(filled_by)
    path = Path(path)
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    name = path.name
    if session.scalar(select(AggregateImport.id).where(AggregateImport.sha256 == digest).limit(1)):
        return ImportReport(name, "already_imported")

    catalogue = specs(catalogue_ids)
    raw = read_rows(path, content)
    passed, rejections, blank = validate(name, raw, catalogue, set(org_ids), periods)
    report = ImportReport(name, "rejected", rows=len(raw), blank=blank, rejections=rejections)
    if rejections and not accept_partial:
        return report

    previous_keys = [(r.indicator_id, r.org_id, r.period.previous().id) for r in passed]
    stored = _current(session, [r.key for r in passed] + previous_keys)
    report.warnings = jump_warnings(
        name, passed, {k: v.value for k, v in stored.items()}, _threshold(jump_threshold)
    )
    changed: list[ReportedRow] = []
    for r in passed:
        now = stored.get(r.key)
        if now is not None and (now.numerator, now.denominator, now.value) == (
            r.numerator,
            r.denominator,
            r.value,
        ):
            report.unchanged += 1
        else:
            changed.append(r)
    if not changed:
        # with accept_partial and every row bad, nothing was accepted: that is a rejection
        report.status = "rejected" if rejections and not passed else "unchanged"
        return report

    user = current_user()
    try:
        batch = AggregateImport(
            file_name=name,
            sha256=digest,
            user=user,
            filled_by=filled_by,
            rows_total=len(raw),
            rows_stored=len(changed),
            rows_unchanged=report.unchanged,
            rows_rejected=len({f.row for f in rejections}),
        )
        session.add(batch)
        session.flush()
        moment = utcnow()
        for r in changed:
            before = stored.get(r.key)
            if before is not None:
                before.is_current = False
                before.superseded_at = moment
            session.add(
                ReportedValue(
                    indicator_id=r.indicator_id,
                    org_id=r.org_id,
                    period_id=r.period.id,
                    grain=r.period.grain.value,
                    revision=1 if before is None else before.revision + 1,
                    numerator=r.numerator,
                    denominator=r.denominator,
                    value=r.value,
                    is_current=True,
                    import_id=batch.id,
                    source_row=r.row,
                    recorded_at=moment,
                )
            )
        detail = f"{name} sha256={digest}"
        if filled_by is not None:
            detail += f" 填报人 filled_by={filled_by}"
        audit(session, user, "write", f"aggregate_imports:{batch.id}", None, detail)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    report.status = "committed"
    report.stored = len(changed)
    report.import_id = batch.id
    return report


FILLED_BY_MAX = 100


def check_filled_by(filled_by: str | None) -> str | None:
    """``filled_by`` stripped (None when blank); :class:`ValueError` when it is longer than
    the column or holds control characters."""
    if filled_by is None or not filled_by.strip():
        return None
    filled_by = filled_by.strip()
    if len(filled_by) > FILLED_BY_MAX or any(not c.isprintable() for c in filled_by):
        raise ValueError(
            f"填报人应为不超过 {FILLED_BY_MAX} 个可显示字符 / filled-by must be at most "
            f"{FILLED_BY_MAX} printable characters"
        )
    return filled_by


def history(
    session: Session, indicator_id: str, org_id: str, period_id: str
) -> list[ReportedValue]:
    """Every revision of one indicator × org unit × period, oldest first (历史版本)."""
    return list(
        session.scalars(
            select(ReportedValue)
            .where(
                ReportedValue.indicator_id == indicator_id,
                ReportedValue.org_id == org_id,
                ReportedValue.period_id == period_id,
            )
            .order_by(ReportedValue.revision)
        )
    )

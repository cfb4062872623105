"""Events of the service → the warehouse (导出到数据仓库), incremental and idempotent.

The store's referrals, chronic-disease registrations, follow-ups and contracts reach the
warehouse record sets ``referrals``, ``chronic_cases``, ``followups`` and ``contracts``
through the one ingestion path, :func:`yigai.warehouse.ingest.ingest_table`, with every check
it makes (pseudonym key, codes, references, duplicate keys). The indicators then count them and
settlement links stays by them.

Incremental: each store row has ``rev`` (bumped on every change) and ``exported_rev``; an export
sends the rows with ``exported_rev < rev`` in id order and, once the batch is committed (or was
already), marks each row exported by a conditional UPDATE on the ``rev`` it sent, so a row
changed meanwhile goes in the next export. Idempotent: a second run finds nothing to send; a run
whose marks were lost (a crash after the warehouse commit) sends the same table again, which the
warehouse recognises as already imported.

What is sent, and when:
- referrals: once, when closed (completed, rejected, cancelled, expired). Warehouse referral
  rows are immutable events (no versions), so an open referral is not sent half-way. Ids
  ``SVC-R<id>``: an encounter at the receiving hospital names that id in ``referral_id``.
- chronic cases (registrations): once, when registered, if of a disease the warehouse's code
  list has, so the management-rate indicators count them. The service never changes a
  registration's exported fields afterwards (it does not close cases), so a case carries no
  ``rev``: the warehouse itself records what was sent, and an export sends the registrations
  whose id is not there yet. Ids ``SVC-K<id>``, the ``case_id`` its follow-ups name.
- follow-ups: every one of a disease the warehouse's code list has (hypertension, diabetes);
  the others stay in the store. Ids ``SVC-F<id>``, cases ``SVC-K<id>`` (sent
  before the follow-ups).
- contracts: a new contract as its first version; a contract ended afterwards as a corrected
  version (``version_from`` = its last day, or today while that is ahead) with ``valid_to`` = its
  last day — the warehouse's rule for a contract ended early. Ids ``SVC-C<id>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yigai.community._common import SYSTEM, local_day, write
from yigai.records import schemas
from yigai.records.labels import DISEASE
from yigai.store.models_community import ChronicCase, Contract, Followup, Referral, Team
from yigai.warehouse.ingest import IngestReport, ingest_table

CLOSED = ("completed", "rejected", "cancelled", "expired")
DONE = ("committed", "already_imported")


CASE_PREFIX = "SVC-K"


def referral_id(row_id: int) -> str:
    return f"SVC-R{row_id}"


def case_id(row_id: int) -> str:
    return f"{CASE_PREFIX}{row_id}"


def _table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    fields = [f.arrow_field() for f in schemas.get(name).fields]
    return pa.table(
        {f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in fields},
        schema=pa.schema(fields),
    )


def _day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else local_day(moment)


def _referral(r: Referral, _db: Session, _today: dt.date) -> dict[str, Any]:
    return {
        "referral_id": referral_id(r.id),
        "person_id": r.person_id,
        "direction": r.direction,
        "from_institution_id": r.from_institution_id,
        "to_institution_id": r.to_institution_id,
        "reason": r.reason,
        "green_channel": r.green_channel,
        "by_family_doctor": r.by_family_doctor,
        "requested_on": _day(r.requested_at),
        "status": r.state,
        "accepted_on": _day(r.accepted_at),
        "arrived_on": _day(r.arrived_at),
        "completed_on": _day(r.closed_at) if r.state == "completed" else None,
    }


def _followup(f: Followup, _db: Session, _today: dt.date) -> dict[str, Any]:
    glucose = f.fasting_glucose
    return {
        "followup_id": f"SVC-F{f.id}",
        "case_id": case_id(f.case_id),
        "person_id": f.person_id,
        "disease": f.disease,
        "institution_id": f.institution_id,
        "followup_date": f.followup_date,
        "mode": f.mode,
        "sbp": f.sbp,
        "dbp": f.dbp,
        "fasting_glucose": None if glucose is None else float(glucose),  # the record set's kind
        "classification": f.classification,
        "action": f.action,
        "next_due": f.next_due,
    }


def _case(c: ChronicCase, _db: Session, _today: dt.date) -> dict[str, Any]:
    return {
        "case_id": case_id(c.id),
        "person_id": c.person_id,
        "disease": c.disease,
        "institution_id": c.institution_id,
        "screened_on": c.screened_on,
        "confirmed_on": c.confirmed_on,
        "managed_from": c.managed_from,
        "closed_on": c.closed_on,
    }


def _unsent_cases(db: Session, wh: Any) -> list[ChronicCase]:
    """Registrations of a listed disease whose ``case_id`` the warehouse does not hold yet
    (ids, not a high-water mark: concurrent registrations may commit out of id order)."""
    sent = set(
        wh.read(
            "chronic_cases",
            columns=["case_id"],
            where=pc.starts_with(pc.field("case_id"), pattern=CASE_PREFIX),
            scoped=False,
            purpose="community-service export",
        )
        .column("case_id")
        .to_pylist()
    )
    rows = db.scalars(
        select(ChronicCase).where(ChronicCase.disease.in_(tuple(DISEASE))).order_by(ChronicCase.id)
    ).all()
    return [c for c in rows if case_id(c.id) not in sent]


def _contract(c: Contract, db: Session, today: dt.date) -> dict[str, Any]:
    row = {
        "contract_id": f"SVC-C{c.id}",
        "person_id": c.person_id,
        "institution_id": c.institution_id,
        "team_id": db.scalar(select(Team.code).where(Team.id == c.team_id)),
        "package": c.package,
        "signed_on": c.signed_on,
        "valid_from": c.valid_from,
        "valid_to": c.ended_on or c.valid_to,
    }
    if c.exported_rev > 0 and c.ended_on is not None:
        row["version_from"] = min(c.ended_on, today)  # a future end: in force from today
    return row


def _send(
    db: Session,
    wh: Any,
    name: str,
    model: Any,
    rows: Sequence[Any],
    build: Callable[[Any, Session, dt.date], dict[str, Any]],
    *,
    key: bytes,
    today: dt.date,
    allow_demo_key: bool,
) -> IngestReport | None:
    if not rows:
        return None
    table = _table(name, [build(r, db, today) for r in rows])
    report = ingest_table(
        wh,
        name,
        table,
        source=f"community-service:{name}",
        key=key,
        allow_demo_key=allow_demo_key,
        today=today,
    )
    if report.status in DONE:
        for r in rows if hasattr(model, "exported_rev") else ():  # cases: see the docstring
            db.execute(
                update(model)
                .where(model.id == r.id, model.rev == r.rev)
                .values(exported_rev=r.rev)
                .execution_options(synchronize_session=False)
            )
        write(
            db,
            SYSTEM,
            f"export:{name}",
            None,
            f"{len(rows)} rows {report.status} batch {report.batch_id[:12]}",
        )
    return report


def export_events(
    db: Session, wh: Any, *, key: bytes, today: dt.date, allow_demo_key: bool = False
) -> dict[str, IngestReport | None]:
    """Send what changed since the last export; per record set its ingestion report (None:
    nothing to send). A rejected batch marks nothing, so it is retried next time."""
    pending = {
        "referrals": (
            Referral,
            select(Referral).where(Referral.state.in_(CLOSED)),
            _referral,
        ),
        "followups": (
            Followup,
            select(Followup).where(Followup.disease.in_(tuple(DISEASE))),
            _followup,
        ),
        "contracts": (Contract, select(Contract), _contract),
    }
    out: dict[str, IngestReport | None] = {}
    # registrations first: the follow-ups sent below name their case_id
    out["chronic_cases"] = _send(
        db,
        wh,
        "chronic_cases",
        ChronicCase,
        _unsent_cases(db, wh),
        _case,
        key=key,
        today=today,
        allow_demo_key=allow_demo_key,
    )
    for name, (model, query, build) in pending.items():
        # populate_existing: the marks are written past the ORM, so refresh loaded rows
        query = query.where(model.exported_rev < model.rev).order_by(model.id)
        rows = db.scalars(query.execution_options(populate_existing=True)).all()
        out[name] = _send(
            db,
            wh,
            name,
            model,
            rows,
            build,
            key=key,
            today=today,
            allow_demo_key=allow_demo_key,
        )
    return out

"""工作清单 (worklists): follow-ups due and overdue, referrals awaiting the user, renewals.

Each list holds only records of the caller's org units and is audited as one read naming the
residents' pseudonyms. Rows carry pseudonyms, never names: the API masks and joins what a role
may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from yigai.community._common import aware, read
from yigai.errors import Invalid
from yigai.store.models_community import ChronicCase, Contract, Referral

if TYPE_CHECKING:
    from yigai.auth.principal import Principal

WORKLISTS, RECEIVE = "worklists.read", "referrals.receive"


@dataclass(frozen=True)
class DueFollowup:
    case_id: int
    person_id: str
    disease: str
    institution_id: str
    doctor: str
    team_id: int | None
    next_due: dt.date
    overdue: bool


def _audit(db: Session, actor: Principal, what: str, people: list[str]) -> None:
    # the scope can name many roots: it goes in the detail, not the 64-character org column
    detail = f"scope={actor.describe_scope()} rows={len(people)} person_id="
    read(db, actor.username, f"worklist:{what}", None, detail + ",".join(sorted(set(people))))


def followups_due(
    db: Session,
    actor: Principal,
    *,
    today: dt.date,
    within_days: int = 7,
    doctor: str | None = None,
    team_id: int | None = None,
) -> list[DueFollowup]:
    """Open cases due by ``today + within_days`` (overdue: due before today), oldest first;
    optionally of one doctor or one team."""
    actor.require(WORKLISTS)
    if not 0 <= within_days <= 366:
        raise Invalid("天数应在 0–366 之间", "within_days must be 0–366")
    q = select(ChronicCase).where(
        ChronicCase.closed_on.is_(None),
        ChronicCase.next_due <= today + dt.timedelta(days=within_days),
    )
    if doctor is not None:
        q = q.where(ChronicCase.doctor == doctor)
    if team_id is not None:
        q = q.where(ChronicCase.team_id == team_id)
    rows = [
        DueFollowup(
            c.id,
            c.person_id,
            c.disease,
            c.institution_id,
            c.doctor,
            c.team_id,
            c.next_due,
            c.next_due < today,
        )
        for c in db.scalars(q.order_by(ChronicCase.next_due, ChronicCase.id))
        if actor.in_scope(c.institution_id)
    ]
    _audit(db, actor, "followups", [r.person_id for r in rows])
    return rows


def referrals_awaiting(db: Session, actor: Principal, *, now: dt.datetime) -> list[Referral]:
    """Referrals the caller's institutions must act on: requests to decide, accepted patients
    to receive, arrived ones to complete. Urgent first, then green channel (优先接诊), then
    the oldest request."""
    actor.require(RECEIVE)
    now = aware(now)
    rows = [
        r
        for r in db.scalars(
            select(Referral).where(Referral.state.in_(("requested", "accepted", "arrived")))
        )
        if actor.in_scope(r.to_institution_id)
        and (r.state == "arrived" or aware(r.expires_at) > now)
    ]
    rows.sort(key=lambda r: (not r.urgent, not r.green_channel, aware(r.requested_at), r.id))
    _audit(db, actor, "referrals", [r.person_id for r in rows])
    return rows


def contracts_due_for_renewal(
    db: Session, actor: Principal, *, today: dt.date, within_days: int = 30
) -> list[Contract]:
    """Contracts ending within ``within_days`` that are neither ended nor renewed yet."""
    actor.require(WORKLISTS)
    if not 0 <= within_days <= 366:
        raise Invalid("天数应在 0–366 之间", "within_days must be 0–366")
    renewed = select(Contract.renewed_from_id).where(Contract.renewed_from_id.is_not(None))
    rows = [
        c
        for c in db.scalars(
            select(Contract)
            .where(
                Contract.ended_on.is_(None),
                Contract.valid_to >= today,
                Contract.valid_to <= today + dt.timedelta(days=within_days),
                Contract.id.not_in(renewed),
            )
            .order_by(Contract.valid_to, Contract.id)
        )
        if actor.in_scope(c.institution_id)
    ]
    _audit(db, actor, "renewals", [c.person_id for c in rows])
    return rows

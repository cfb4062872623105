"""出院即时结算 (settlement at discharge), the service function the API calls.

:func:`settle_at_discharge` adjudicates one encounter at the desk with the person's
year-to-date trackers (:mod:`yigai.policy.discharge`): the year's claims settled by the
batch (the warehouse's ``claims``, :mod:`yigai.policy.discharge_history`) and those settled
at the desk since (``desk_settlements``, :mod:`yigai.store.models_discharge`), so the split
equals, to the fen, what the year's batch adjudication gives the same claim.

Idempotent by encounter: the same encounter settled again with the same bill returns the
stored settlement (no second row); with anything different it is refused
(:class:`yigai.errors.Conflict`). Needs the permission ``settlement.discharge`` and the
institution inside the user's scope; every settlement (and every repeat look-up of one) is
in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yigai.auth.principal import Principal
from yigai.errors import Conflict
from yigai.policy.adjudication import SPLIT_COLUMNS, ClaimInput
from yigai.policy.commands import yuan
from yigai.policy.discharge import (
    DischargeEncounter,
    SettledClaim,
    invalid,
    settle_next,
)
from yigai.policy.discharge_history import warehouse_history
from yigai.policy.scheme import SchemeBook
from yigai.store import audit
from yigai.store.models_discharge import DeskSettlement

PERMISSION = "settlement.discharge"

#: The claim inputs a repeated settlement of an encounter must agree on: all of a claim's
#: but its key and its groups (stored as text, compared apart).
_INPUTS = tuple(f.name for f in fields(ClaimInput) if f.name not in ("encounter_id", "groups"))


def settle_at_discharge(
    db: Session,
    actor: Principal,
    encounter: DischargeEncounter,
    *,
    warehouse: Any | None,
    today: dt.date,
    root: Path | None = None,
) -> DeskSettlement:
    """Settle ``encounter`` at the desk on ``today`` (``warehouse``: where the batch's
    claims are, None when there is none; ``root``: another parameter folder, for tests)."""
    actor.require(PERMISSION)
    actor.require_unit(encounter.institution_id)
    claim = encounter.claim()
    if claim.event_date > today:
        raise invalid(
            claim.encounter_id,
            "discharge_date",
            f"出院日期 {claim.event_date} 晚于今天 {today}",
            f"discharge {claim.event_date} is after today {today}",
        )
    existing = db.get(DeskSettlement, claim.encounter_id)
    if existing is not None:
        _check_same(existing, claim, encounter)
        audit(
            db,
            actor.username,
            "read",
            _object(existing),
            existing.institution_id,
            f"person {existing.person_id}: settled again, stored settlement returned",
        )
        return existing

    year = claim.event_date.year
    book = SchemeBook(encounter.region, root=root)
    history = (
        []
        if warehouse is None
        else warehouse_history(warehouse, claim.person_id, year, claim.groups, book)
    )
    if any(h.claim.encounter_id == claim.encounter_id for h in history):
        raise Conflict(
            f"就诊 {claim.encounter_id} 已由年度结算入账，不能再在出院时结算",
            f"encounter {claim.encounter_id} is already settled by the year's batch",
        )
    batch_ids = {h.claim.encounter_id for h in history}
    desk = db.scalars(
        select(DeskSettlement).where(
            DeskSettlement.person_id == claim.person_id, DeskSettlement.year == year
        )
    ).all()
    # once the batch has run, a desk settlement is also in the warehouse: counted once
    history += [_settled(row) for row in desk if row.encounter_id not in batch_ids]
    done = settle_next(history, claim, book)

    seq = max((row.seq for row in desk), default=0) + 1
    row = _row(encounter, claim, done, seq=seq, today=today, user=actor.username)
    try:
        with db.begin_nested():  # a lost race rolls back this row only
            db.add(row)
    except IntegrityError:
        raise Conflict(
            f"居民 {claim.person_id} 的另一笔出院结算同时提交，请重试",
            f"another discharge of person {claim.person_id} was settled at the same time; retry",
        ) from None
    audit(
        db,
        actor.username,
        "write",
        _object(row),
        row.institution_id,
        f"person {row.person_id}: fund {yuan(row.fund_fen)}, critical "
        f"{yuan(row.critical_fen)}, assistance {yuan(row.assistance_fen)}, patient "
        f"{yuan(row.patient_fen)} yuan",
    )
    return row


def _object(row: DeskSettlement) -> str:
    return f"desk_settlement:{row.encounter_id}"


def _check_same(row: DeskSettlement, claim: ClaimInput, encounter: DischargeEncounter) -> None:
    """A repeat must be the same claim: anything different is a conflict, named."""
    stored = {name: getattr(row, name) for name in _INPUTS}
    stored.update(institution_id=row.institution_id, region=row.scheme_region, groups=row.groups)
    given = {name: getattr(claim, name) for name in _INPUTS}
    given.update(
        institution_id=encounter.institution_id,
        region=encounter.region,
        groups=_groups_text(claim.groups),
    )
    for name, value in stored.items():
        if given[name] != value:
            raise Conflict(
                f"就诊 {claim.encounter_id} 已结算，字段 {name} 记为 {value!r}，本次为 "
                f"{given[name]!r}",
                f"encounter {claim.encounter_id} is already settled with {name} {value!r}, "
                f"not {given[name]!r}",
            )


def _groups_text(groups: frozenset[str]) -> str:
    return ",".join(sorted(groups))


def _settled(row: DeskSettlement) -> SettledClaim:
    claim = ClaimInput(
        encounter_id=row.encounter_id,
        **{name: getattr(row, name) for name in _INPUTS},
        groups=frozenset(g for g in row.groups.split(",") if g),
    )
    return SettledClaim(claim, {c: getattr(row, c) for c in SPLIT_COLUMNS}, "desk")


def _row(
    encounter: DischargeEncounter,
    claim: ClaimInput,
    done: Any,
    *,
    seq: int,
    today: dt.date,
    user: str,
) -> DeskSettlement:
    r = done.result
    return DeskSettlement(
        encounter_id=claim.encounter_id,
        person_id=claim.person_id,
        year=claim.event_date.year,
        seq=seq,
        institution_id=encounter.institution_id,
        **{name: getattr(claim, name) for name in _INPUTS if name != "person_id"},
        groups=_groups_text(claim.groups),
        scheme_region=encounter.region,
        scheme_version=r.scheme_version,
        **{c: getattr(r, c) for c in SPLIT_COLUMNS},
        admission_no=r.admission_no,
        explanation="\n".join(done.explanation),
        settled_on=today,
        settled_by=user,
    )

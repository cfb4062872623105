"""双向转诊 (two-way referral): requests and the state machine, safe under concurrency.

States (seed 002 三（七）): ``requested → accepted → arrived → completed``; a request may be
``rejected`` by the receiving institution, ``cancelled`` by the referring one (requested or
accepted), and ``expired`` by :func:`expire_overdue` when nobody acted within the dated
parameter ``referral_expiry_hours`` (from the request while requested, from the acceptance
while waiting for the patient).

Every transition is one conditional UPDATE (``… WHERE id = :id AND state = :expected``): of two
specialists accepting the same referral at once, the database lets exactly one change the row;
the other's UPDATE matches nothing and gets :class:`~yigai.errors.Conflict`. A transition not
allowed from the present state is refused naming the state and the action.

Who may do what: a village or township doctor refers their residents **up** to the lead hospital
of their community; the receiving institution (county specialist) accepts or rejects and records
arrival and completion; a county-level doctor refers **down** to the resident's family-doctor
team (their home institution without a contract) with a follow-up plan, and a managed chronic
case of the resident is then due for follow-up within ``down_referral_followup_days``. An
up-referral by a member of the resident's contracted team is green-channel (优先预约、优先接诊).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yigai.auth.principal import not_found
from yigai.community import params
from yigai.community._common import SYSTEM, aware, local_day, need_text, read, write
from yigai.errors import Conflict, Invalid
from yigai.records.labels import REFERRAL_STATUS
from yigai.store.models_community import ChronicCase, Contract, Referral, Slot, TeamMember

if TYPE_CHECKING:
    from yigai.auth.principal import Principal
    from yigai.community.directory import Resident, ResidentDirectory

CREATE, RECEIVE, READ = "referrals.create", "referrals.receive", "referrals.read"
#: ICD-10: a letter, two digits, optionally a dot and up to four more characters (I10, E11.9).
ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
REFERRING_LEVELS = ("village", "township")
OPEN_STATES = ("requested", "accepted")


@dataclass(frozen=True)
class Action:
    name: str
    zh: str
    sources: tuple[str, ...]
    target: str
    permission: str
    side: str  # whose scope acts: "to" (receiving) or "from" (referring institution)


ACTIONS = {
    a.name: a
    for a in (
        Action("accept", "接收", ("requested",), "accepted", RECEIVE, "to"),
        Action("reject", "拒绝", ("requested",), "rejected", RECEIVE, "to"),
        Action("arrive", "登记到达", ("accepted",), "arrived", RECEIVE, "to"),
        Action("complete", "完成", ("arrived",), "completed", RECEIVE, "to"),
        Action("cancel", "取消", OPEN_STATES, "cancelled", CREATE, "from"),
    )
}


def _expiry(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(hours=params.whole("referral_expiry_hours", local_day(now)))


def active_contract(db: Session, person_id: str, day: dt.date) -> Contract | None:
    """The resident's contract valid on ``day`` (not ended before it), if any."""
    rows = db.scalars(
        select(Contract).where(
            Contract.person_id == person_id,
            Contract.valid_from <= day,
            Contract.valid_to >= day,
        )
    ).all()
    return next((c for c in rows if c.ended_on is None or c.ended_on >= day), None)


def request_referral(
    db: Session,
    actor: Principal,
    directory: ResidentDirectory,
    *,
    person_id: str,
    direction: str,
    from_institution_id: str,
    reason: str,
    diagnosis_code: str,
    summary: str,
    followup_plan: str | None = None,
    urgent: bool = False,
    now: dt.datetime,
) -> Referral:
    """Request an up- or down-referral (see the module docstring for who may)."""
    actor.require(CREATE)
    resident = directory.resident(actor, person_id)
    actor.require_unit(from_institution_id, "机构 / institution")
    reason = need_text(reason, "转诊原因", "reason")
    summary = need_text(summary, "病情摘要", "summary")
    code = diagnosis_code.strip().upper()
    if not ICD10.match(code):
        raise Invalid(
            f"诊断编码 {diagnosis_code!r} 不是 ICD-10 编码（如 I10、E11.9）",
            f"diagnosis {diagnosis_code!r} is not an ICD-10 code (e.g. I10, E11.9)",
        )
    today, now = local_day(now), aware(now)
    contract = active_contract(db, person_id, today)
    in_team = contract is not None and _member_of(db, actor.username, contract.team_id)
    if direction == "up":
        to_institution = _up_destination(directory, from_institution_id)
    elif direction == "down":
        to_institution = _down_destination(directory, from_institution_id, resident, contract)
        followup_plan = need_text(followup_plan, "随访计划", "follow-up plan")
    else:
        raise Invalid(
            f"转诊方向应为 up 或 down（收到 {direction!r}）", "direction must be up or down"
        )
    referral = Referral(
        person_id=person_id,
        home_unit_id=resident.home_unit_id,
        direction=direction,
        from_institution_id=from_institution_id,
        to_institution_id=to_institution,
        reason=reason,
        diagnosis_code=code,
        summary=summary,
        followup_plan=followup_plan,
        urgent=urgent,
        green_channel=direction == "up" and in_team,
        by_family_doctor=in_team,
        team_id=contract.team_id if contract is not None else None,
        state="requested",
        requested_by=actor.username,
        requested_at=now,
        expires_at=_expiry(now),
        rev=1,
        exported_rev=0,
    )
    db.add(referral)
    db.flush()
    if direction == "down":
        _due_after_down_referral(db, person_id, today)
    write(
        db,
        actor.username,
        f"referral:{referral.id}",
        from_institution_id,
        f"person_id={person_id} request {direction} to {to_institution}"
        f"{' urgent' if urgent else ''}{' green-channel' if referral.green_channel else ''}",
    )
    return referral


def _member_of(db: Session, username: str, team_id: int) -> bool:
    return (
        db.scalar(
            select(TeamMember.id).where(
                TeamMember.team_id == team_id, TeamMember.username == username
            )
        )
        is not None
    )


def _up_destination(directory: ResidentDirectory, from_institution_id: str) -> str:
    origin = directory.institution(from_institution_id)
    if origin.level not in REFERRING_LEVELS:
        raise Invalid(
            "只有村卫生室或乡镇卫生院可以上转患者",
            "only a village clinic or a township centre refers patients up",
        )
    lead = directory.lead_hospital(from_institution_id)
    if lead is None:
        raise Invalid(
            "转出机构不属于任何医共体，没有牵头医院可上转",
            "the referring institution is in no community: there is no lead hospital to refer to",
        )
    return lead


def _down_destination(
    directory: ResidentDirectory,
    from_institution_id: str,
    resident: Resident,
    contract: Contract | None,
) -> str:
    if directory.institution(from_institution_id).level != "county":
        raise Invalid("只有县级医院可以下转患者", "only a county hospital refers patients down")
    # back to the family-doctor team (seed 002 三（八）), else the home institution
    return contract.institution_id if contract is not None else resident.home_unit_id


def _due_after_down_referral(db: Session, person_id: str, today: dt.date) -> None:
    due = today + dt.timedelta(days=params.whole("down_referral_followup_days", today))
    for case in db.scalars(
        select(ChronicCase).where(
            ChronicCase.person_id == person_id, ChronicCase.closed_on.is_(None)
        )
    ):
        if case.next_due is None or case.next_due > due:
            case.next_due = due


def get_referral(db: Session, actor: Principal, referral_id: int) -> Referral:
    """A referral either end of which is in ``actor``'s scope (otherwise NotFound); audited."""
    actor.require(READ)
    row = db.get(Referral, referral_id, populate_existing=True)
    if row is None or not (
        actor.in_scope(row.from_institution_id) or actor.in_scope(row.to_institution_id)
    ):
        raise not_found("转诊单 / referral")
    read(
        db,
        actor.username,
        f"referral:{row.id}",
        row.to_institution_id,
        f"person_id={row.person_id}",
    )
    return row


def transition(
    db: Session,
    actor: Principal,
    referral_id: int,
    action: str,
    *,
    now: dt.datetime,
    note: str | None = None,
) -> Referral:
    """Apply ``action`` (accept, reject, arrive, complete, cancel) to a referral."""
    step = ACTIONS.get(action)
    if step is None:
        raise Invalid(f"未知的转诊操作 {action!r}", f"unknown referral action {action!r}")
    actor.require(step.permission)
    now = aware(now)
    row = db.get(Referral, referral_id, populate_existing=True)
    if row is None:
        raise not_found("转诊单 / referral")
    actor.require_unit(
        row.to_institution_id if step.side == "to" else row.from_institution_id, "转诊单 / referral"
    )
    if action in ("reject", "cancel"):
        note = need_text(note, "原因", "reason")
    if row.state not in step.sources:
        raise _refused(row.id, row.state, step)
    if action in ("accept", "arrive") and aware(row.expires_at) <= now:
        raise Conflict(
            f"转诊单 {row.id} 已超过时限，不能{step.zh}（将标记为已过期）",
            f"referral {row.id} is past its time limit and cannot be {action}ed (it will expire)",
        )
    values: dict[str, object] = {"state": step.target, "rev": Referral.rev + 1}
    if action == "accept":
        values |= {"accepted_at": now, "decided_by": actor.username, "expires_at": _expiry(now)}
    elif action == "arrive":
        values["arrived_at"] = now
    else:
        values["closed_at"] = now
    if action == "reject":
        values["decided_by"] = actor.username
    if note is not None:
        values["note"] = note
    changed = db.execute(
        update(Referral)
        .where(Referral.id == row.id, Referral.state == row.state)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        current = db.scalar(select(Referral.state).where(Referral.id == row.id))
        raise _refused(row.id, current or row.state, step, lost_race=True)
    if step.target in ("rejected", "cancelled"):
        release_slot(db, row.id)
    write(
        db,
        actor.username,
        f"referral:{row.id}",
        row.to_institution_id,
        f"person_id={row.person_id} {row.state} -> {step.target}",
    )
    db.refresh(row)
    return row


def _refused(referral_id: int, state: str, step: Action, lost_race: bool = False) -> Conflict:
    state_zh = REFERRAL_STATUS.get(state, state)
    if lost_race:
        return Conflict(
            f"转诊单 {referral_id} 已被他人处理，当前状态为“{state_zh}”，不能再{step.zh}",
            f"referral {referral_id} was just changed by someone else: it is now {state} "
            f"and cannot be {step.name}ed",
        )
    return Conflict(
        f"转诊单 {referral_id} 当前状态为“{state_zh}”，不能{step.zh}",
        f"referral {referral_id} is {state}: cannot {step.name} it",
    )


def release_slot(db: Session, referral_id: int) -> None:
    """Free the slot booked for a referral that will not take place."""
    db.execute(
        update(Slot)
        .where(Slot.referral_id == referral_id)
        .values(booked=False, referral_id=None, person_id=None, booked_by=None)
        .execution_options(synchronize_session=False)
    )


def expire_overdue(db: Session, now: dt.datetime) -> int:
    """Expire every open referral past its time limit; the number expired. Each row is changed
    by the same conditional UPDATE, so a referral accepted meanwhile is left alone."""
    now = aware(now)
    overdue = db.execute(
        select(Referral.id, Referral.state, Referral.person_id, Referral.to_institution_id).where(
            Referral.state.in_(OPEN_STATES), Referral.expires_at <= now
        )
    ).all()
    done = 0
    for rid, state, person_id, to_institution in overdue:
        changed = db.execute(
            update(Referral)
            .where(Referral.id == rid, Referral.state == state)
            .values(state="expired", closed_at=now, rev=Referral.rev + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed == 1:
            release_slot(db, rid)
            write(
                db,
                SYSTEM,
                f"referral:{rid}",
                to_institution,
                f"person_id={person_id} {state} -> expired",
            )
            done += 1
    return done

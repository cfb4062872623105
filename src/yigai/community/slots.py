"""号源 (appointment slots) of the lead hospital, with the green-channel share reserved.

Each day's slots of a department are opened with the share of the dated parameter
``green_channel_share`` reserved (rounded half up) for family-doctor referrals: seed 002
三（八） "对由家庭医生团队上转的患者，优先预约、优先接诊". A green-channel referral takes a
reserved slot first, then an ordinary one; any other booking (an ordinary appointment, or a
referral not made by the resident's team) can take only ordinary slots. Each slot is taken by a
conditional UPDATE (``… WHERE id = :id AND NOT booked``), so two bookings never share a slot.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from yigai.auth.principal import not_found
from yigai.community import params
from yigai.community._common import need_text, write
from yigai.errors import Conflict, Invalid
from yigai.store.models_community import Referral, Slot

if TYPE_CHECKING:
    from yigai.auth.principal import Principal
    from yigai.community.directory import ResidentDirectory

MANAGE, READ = "slots.manage", "slots.read"
BOOK = "referrals.create"  # whoever refers a patient books their slot


def reserved_count(total: int, day: dt.date) -> int:
    share = params.value("green_channel_share", day)
    return int((Decimal(total) * share).quantize(Decimal(1), ROUND_HALF_UP))


def open_slots(
    db: Session,
    actor: Principal,
    *,
    institution_id: str,
    department: str,
    day: dt.date,
    count: int,
) -> list[Slot]:
    """Open ``count`` more slots; the reserved share is of the day's total after opening."""
    actor.require(MANAGE)
    actor.require_unit(institution_id, "机构 / institution")
    department = need_text(department, "科室", "department")
    if count <= 0 or count > 1000:
        raise Invalid("号源数量应在 1–1000 之间", "the number of slots must be 1–1000")
    where = (Slot.institution_id == institution_id, Slot.department == department, Slot.day == day)
    have = db.scalar(select(func.count()).select_from(Slot).where(*where)) or 0
    have_reserved = (
        db.scalar(select(func.count()).select_from(Slot).where(*where, Slot.reserved)) or 0
    )
    more_reserved = max(0, reserved_count(have + count, day) - have_reserved)
    slots = [
        Slot(
            institution_id=institution_id,
            department=department,
            day=day,
            seq=have + i + 1,
            reserved=i < more_reserved,
            booked=False,
        )
        for i in range(count)
    ]
    db.add_all(slots)
    db.flush()
    write(
        db,
        actor.username,
        f"slots:{institution_id}:{department}:{day}",
        institution_id,
        f"open {count} ({more_reserved} reserved)",
    )
    return slots


def _slot(db: Session, slot_id: int) -> Slot:
    slot = db.get(Slot, slot_id, populate_existing=True)  # booked past the ORM: reload
    assert slot is not None
    return slot


def _take(db: Session, candidates: list[int], **values: object) -> int | None:
    for slot_id in candidates:
        changed = db.execute(
            update(Slot)
            .where(Slot.id == slot_id, Slot.booked.is_(False))
            .values(booked=True, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed == 1:
            return slot_id
    return None


def _free(
    db: Session, institution_id: str, department: str, day: dt.date, reserved: bool
) -> list[int]:
    return list(
        db.scalars(
            select(Slot.id)
            .where(
                Slot.institution_id == institution_id,
                Slot.department == department,
                Slot.day == day,
                Slot.reserved.is_(reserved),
                Slot.booked.is_(False),
            )
            .order_by(Slot.seq)
        )
    )


def book_for_referral(
    db: Session, actor: Principal, referral_id: int, *, department: str, day: dt.date
) -> Slot:
    """Book a slot at the destination for an open up-referral (reserved first if green)."""
    actor.require(BOOK)
    ref = db.get(Referral, referral_id)
    if ref is None or not (
        actor.in_scope(ref.from_institution_id) or actor.in_scope(ref.to_institution_id)
    ):
        raise not_found("转诊单 / referral")
    if ref.direction != "up" or ref.state not in ("requested", "accepted"):
        raise Conflict(
            f"转诊单 {ref.id}（{ref.direction}，{ref.state}）不能预约号源",
            f"referral {ref.id} ({ref.direction}, {ref.state}) cannot book a slot",
        )
    if db.scalar(select(Slot.id).where(Slot.referral_id == ref.id)) is not None:
        raise Conflict(f"转诊单 {ref.id} 已预约号源", f"referral {ref.id} already has a slot")
    pools = [True, False] if ref.green_channel else [False]
    for reserved in pools:
        got = _take(
            db,
            _free(db, ref.to_institution_id, department, day, reserved),
            referral_id=ref.id,
            person_id=ref.person_id,
            booked_by=actor.username,
        )
        if got is not None:
            write(
                db,
                actor.username,
                f"referral:{ref.id}",
                ref.to_institution_id,
                f"person_id={ref.person_id} slot {got}{' reserved' if reserved else ''}",
            )
            return _slot(db, got)
    raise Conflict(f"{day} {department} 没有可预约的号源", f"no free slot in {department} on {day}")


def book_ordinary(
    db: Session,
    actor: Principal,
    directory: ResidentDirectory,
    *,
    person_id: str,
    institution_id: str,
    department: str,
    day: dt.date,
) -> Slot:
    """An ordinary appointment: never a reserved (green-channel) slot."""
    actor.require(BOOK)
    directory.resident(actor, person_id)
    got = _take(
        db,
        _free(db, institution_id, department, day, False),
        person_id=person_id,
        booked_by=actor.username,
    )
    if got is None:
        raise Conflict(
            f"{day} {department} 没有可预约的普通号源",
            f"no free ordinary slot in {department} on {day}",
        )
    write(db, actor.username, f"slot:{got}", institution_id, f"person_id={person_id} book")
    return _slot(db, got)

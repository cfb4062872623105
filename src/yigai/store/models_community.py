"""Tables of the community service (医共体业务): referrals, slots, teams, contracts, chronic care.

- ``community_referrals`` 双向转诊单: one row per referral; ``state`` moves only by a
  conditional UPDATE (``… WHERE id = :id AND state = :expected``), so of two concurrent
  transitions exactly one changes the row (:mod:`yigai.community.referrals`).
- ``community_slots`` 号源: appointment slots of the lead hospital; ``reserved`` marks the
  green-channel share kept for family-doctor referrals.
- ``community_teams`` / ``community_team_members`` 家庭医生团队: a team of an institution and its
  members (GP, nurse, public-health doctor, county specialist) by service user name.
- ``community_contracts`` 签约协议: one-year family-doctor contracts, renewals and ends.
- ``community_chronic_cases`` / ``community_followups`` 慢病管理: registrations and follow-ups.

Residents appear only as ``person_id`` (the warehouse's keyed pseudonym) and their home unit
(``home_unit_id``, for scope checks): never a name or an identity number. Rows the warehouse
receives carry ``rev`` (bumped on every change) and ``exported_rev`` (the ``rev`` last sent),
so an export sends exactly the rows changed since the previous one (:mod:`yigai.community.export`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from yigai.records.schemas import REFERRAL_STATES  # the warehouse's referral statuses
from yigai.store.base import Base
from yigai.store.models import Id, utcnow


class Referral(Base):
    """转诊单: an up- or down-referral and where it stands."""

    __tablename__ = "community_referrals"
    __table_args__ = (
        CheckConstraint("direction IN ('up', 'down')", name="direction"),
        CheckConstraint(
            "state IN (" + ", ".join(f"'{s}'" for s in REFERRAL_STATES) + ")", name="state"
        ),
        Index("ix_community_referrals_to_state", "to_institution_id", "state"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    home_unit_id: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(4))
    from_institution_id: Mapped[str] = mapped_column(String(64), index=True)
    to_institution_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    diagnosis_code: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    followup_plan: Mapped[str | None] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    green_channel: Mapped[bool] = mapped_column(Boolean, default=False)
    by_family_doctor: Mapped[bool] = mapped_column(Boolean, default=False)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("community_teams.id"))
    state: Mapped[str] = mapped_column(String(10))
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    arrived_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    rev: Mapped[int] = mapped_column(Integer, default=1)
    exported_rev: Mapped[int] = mapped_column(Integer, default=0)


class Slot(Base):
    """号源: one appointment slot of an institution's department on a day."""

    __tablename__ = "community_slots"
    __table_args__ = (
        UniqueConstraint("institution_id", "department", "day", "seq", name="slot"),
        Index("ix_community_slots_free", "institution_id", "day", "reserved", "booked"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    institution_id: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(100))
    day: Mapped[dt.date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[bool] = mapped_column(Boolean)
    booked: Mapped[bool] = mapped_column(Boolean, default=False)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("community_referrals.id"))
    person_id: Mapped[str | None] = mapped_column(String(64))
    booked_by: Mapped[str | None] = mapped_column(String(100))


class Team(Base):
    """家庭医生团队: a team based at an institution (usually a township centre)."""

    __tablename__ = "community_teams"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TeamMember(Base):
    """团队成员: a service user in a team, in one of the team roles."""

    __tablename__ = "community_team_members"
    __table_args__ = (
        UniqueConstraint("team_id", "username", name="team_user"),
        CheckConstraint(
            "member_role IN ('gp', 'nurse', 'public_health', 'specialist')", name="member_role"
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("community_teams.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    member_role: Mapped[str] = mapped_column(String(16))
    institution_id: Mapped[str] = mapped_column(String(64))


class Contract(Base):
    """签约协议: a resident's one-year family-doctor contract with a team."""

    __tablename__ = "community_contracts"
    __table_args__ = (CheckConstraint("valid_to >= valid_from", name="valid_range"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    home_unit_id: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[int] = mapped_column(ForeignKey("community_teams.id"), index=True)
    institution_id: Mapped[str] = mapped_column(String(64))
    package: Mapped[str] = mapped_column(String(16))
    signed_on: Mapped[dt.date] = mapped_column(Date)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date, index=True)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    renewed_from_id: Mapped[int | None] = mapped_column(ForeignKey("community_contracts.id"))
    signed_by: Mapped[str] = mapped_column(String(100))
    rev: Mapped[int] = mapped_column(Integer, default=1)
    exported_rev: Mapped[int] = mapped_column(Integer, default=0)


class ChronicCase(Base):
    """慢病管理档案: a resident registered for management of one disease."""

    __tablename__ = "community_chronic_cases"
    __table_args__ = (Index("ix_community_chronic_cases_due", "institution_id", "next_due"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    home_unit_id: Mapped[str] = mapped_column(String(64))
    disease: Mapped[str] = mapped_column(String(32))
    institution_id: Mapped[str] = mapped_column(String(64))
    doctor: Mapped[str] = mapped_column(String(64), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("community_teams.id"), index=True)
    screened_on: Mapped[dt.date | None] = mapped_column(Date)
    confirmed_on: Mapped[dt.date] = mapped_column(Date)
    managed_from: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    next_due: Mapped[dt.date | None] = mapped_column(Date)
    uncontrolled_streak: Mapped[int] = mapped_column(Integer, default=0)


class Followup(Base):
    """慢病随访: one follow-up of a case, its readings, classification and next due date."""

    __tablename__ = "community_followups"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("community_chronic_cases.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(64))
    disease: Mapped[str] = mapped_column(String(32))
    institution_id: Mapped[str] = mapped_column(String(64))
    followup_date: Mapped[dt.date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(8))
    sbp: Mapped[int | None] = mapped_column(Integer)
    dbp: Mapped[int | None] = mapped_column(Integer)
    fasting_glucose: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    new_symptoms: Mapped[bool] = mapped_column(Boolean, default=False)
    classification: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(10))
    next_due: Mapped[dt.date] = mapped_column(Date)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("community_referrals.id"))
    recorded_by: Mapped[str] = mapped_column(String(100))
    rev: Mapped[int] = mapped_column(Integer, default=1)
    exported_rev: Mapped[int] = mapped_column(Integer, default=0)

"""Settlements at discharge (出院即时结算, ``desk_settlements``): one row per encounter.

What the desk settled for an encounter: the claim's inputs (so the next discharge of the
person that year can replay the year's trackers through the same rules) and its split as
paid, in integer fen. One row per encounter (the primary key): settling the same encounter
again returns this row. ``seq`` numbers a person-year's desk settlements; (person, year, seq)
is unique, so two discharges of one person settled at the same moment cannot both build on
the same trackers — the second is refused and retried.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yigai.store.base import Base
from yigai.store.models import utcnow


class DeskSettlement(Base):
    """出院即时结算: the claim of one encounter as the desk settled it."""

    __tablename__ = "desk_settlements"
    __table_args__ = (UniqueConstraint("person_id", "year", "seq"),)

    encounter_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    # the claim's inputs
    event_date: Mapped[dt.date] = mapped_column(Date)
    care_type: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    in_county: Mapped[bool] = mapped_column(Boolean)
    cost_total_fen: Mapped[int] = mapped_column(BigInteger)
    out_of_scope_fen: Mapped[int] = mapped_column(BigInteger)
    referred: Mapped[bool] = mapped_column(Boolean)
    referred_from: Mapped[str | None] = mapped_column(String(64))
    referral_in_community: Mapped[bool] = mapped_column(Boolean)
    groups: Mapped[str] = mapped_column(String(300))  # sorted, comma-separated
    # the split as paid
    scheme_region: Mapped[str] = mapped_column(String(64))
    scheme_version: Mapped[str] = mapped_column(String(100))
    eligible_fen: Mapped[int] = mapped_column(BigInteger)
    deductible_fen: Mapped[int] = mapped_column(BigInteger)
    fund_fen: Mapped[int] = mapped_column(BigInteger)
    critical_fen: Mapped[int] = mapped_column(BigInteger)
    assistance_fen: Mapped[int] = mapped_column(BigInteger)
    patient_fen: Mapped[int] = mapped_column(BigInteger)
    admission_no: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[str] = mapped_column(Text)  # one rule per line
    settled_on: Mapped[dt.date] = mapped_column(Date)
    settled_by: Mapped[str] = mapped_column(String(100))
    settled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

"""Manual assessment scores (手工评分) in the operational database.

- ``manual_score_imports`` 手工评分导入批次: one import of a score sheet for one scheme and
  period (file, content hash, who imported it, row counts).
- ``manual_scores`` 手工评分: one revision of one scheme × period × unit × item. Every
  revision is kept (``is_current`` marks the one in force; an earlier one is superseded, never
  deleted), as for reported values. ``value`` is the Decimal text the assessor entered, so no
  float ever touches points.

Every path that assesses (``yigai assess``, ``yigai report``, the demo) reads the scores from
here (:func:`yigai.assess.stored.stored_scores`); they are entered once, through
:func:`yigai.assess.stored.import_scores`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from yigai.store.base import Base
from yigai.store.models import Id, utcnow


class ManualScoreImport(Base):
    """手工评分导入批次: one committed import of a score sheet."""

    __tablename__ = "manual_score_imports"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    scheme_id: Mapped[str] = mapped_column(String(64))
    period_id: Mapped[str] = mapped_column(String(7))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the deployment's user (``YIGAI_USER``, else the OS user)
    user: Mapped[str] = mapped_column(String(100))
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_stored: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)


class ManualScore(Base):
    """手工评分: one revision of one scheme × period × unit × item."""

    __tablename__ = "manual_scores"
    __table_args__ = (
        UniqueConstraint(
            "scheme_id", "period_id", "org_id", "item_id", "revision", name="manual_key_revision"
        ),
        CheckConstraint("revision >= 1", name="revision_positive"),
        Index("ix_manual_scores_current", "scheme_id", "period_id", "is_current"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    scheme_id: Mapped[str] = mapped_column(String(64))
    period_id: Mapped[str] = mapped_column(String(7))
    org_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[str] = mapped_column(String(100))
    revision: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("manual_score_imports.id"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    superseded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

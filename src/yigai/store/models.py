"""Tables of the operational database (业务数据库表).

- ``audit_log`` 审计日志: every read and write of personal data, by whom, when, on what.
- ``aggregate_imports`` / ``reported_values`` 上报数据: monthly values entered or imported
  per indicator × org unit × period, with every revision kept (``is_current`` marks the one
  in force; earlier ones are superseded, never deleted).
- ``reform_plans`` / ``reform_tasks`` / ``reform_task_co_departments`` /
  ``reform_progress`` 医改重点任务: tasks with their lead (牵头单位) and co-operating
  (配合单位) departments, deadlines and progress reports.

Counts and money are ``BigInteger`` (money in integer fen, docs/CONTRACTS.md); an indicator
value is kept as Decimal text so no float ever touches it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yigai.store.base import Base

#: Surrogate keys: BIGINT on PostgreSQL; SQLite only auto-increments ``INTEGER PRIMARY KEY``.
Id = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AuditLog(Base):
    """审计日志: one row per read or write of personal data."""

    __tablename__ = "audit_log"
    __table_args__ = (CheckConstraint("action IN ('read', 'write')", name="action"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(5))
    object: Mapped[str] = mapped_column(String(300))
    org_id: Mapped[str | None] = mapped_column(String(64), index=True)
    detail: Mapped[str | None] = mapped_column(Text)


class AggregateImport(Base):
    """上报数据导入批次: one committed import of a template file."""

    __tablename__ = "aggregate_imports"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Who imported it: the deployment's user (``YIGAI_USER``, else the OS user), never a name
    #: the caller chooses.
    user: Mapped[str] = mapped_column(String(100))
    #: Who the form says filled it in (填报人), as given; not an identity the platform checked.
    filled_by: Mapped[str | None] = mapped_column(String(100))
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_stored: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)


class ReportedValue(Base):
    """上报值: one revision of one indicator × org unit × period."""

    __tablename__ = "reported_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "org_id", "period_id", "revision", name="key_revision"),
        Index("ix_reported_values_current", "period_id", "is_current"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        CheckConstraint(
            "(numerator IS NULL OR numerator >= 0) AND (denominator IS NULL OR denominator >= 0)",
            name="non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    indicator_id: Mapped[str] = mapped_column(String(100))
    org_id: Mapped[str] = mapped_column(String(64))
    period_id: Mapped[str] = mapped_column(String(7))
    grain: Mapped[str] = mapped_column(String(8))
    revision: Mapped[int] = mapped_column(Integer)
    numerator: Mapped[int | None] = mapped_column(BigInteger)
    denominator: Mapped[int | None] = mapped_column(BigInteger)
    value: Mapped[str | None] = mapped_column(String(40))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("aggregate_imports.id"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    superseded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReformPlan(Base):
    """医改工作方案: a document whose key tasks are tracked."""

    __tablename__ = "reform_plans"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    issued: Mapped[dt.date | None] = mapped_column(Date)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    tasks: Mapped[list[ReformTask]] = relationship(
        back_populates="plan", order_by="ReformTask.position", cascade="all, delete-orphan"
    )


class ReformTask(Base):
    """重点任务: one task of a plan, with its departments and deadline."""

    __tablename__ = "reform_tasks"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="plan_code"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("reform_plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100))
    lead_department: Mapped[str | None] = mapped_column(String(200))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    deadline_text: Mapped[str | None] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(Text)
    source_ref: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[ReformPlan] = relationship(back_populates="tasks")
    co_departments: Mapped[list[ReformTaskCoDepartment]] = relationship(
        order_by="ReformTaskCoDepartment.position", cascade="all, delete-orphan"
    )
    progress: Mapped[list[ReformProgress]] = relationship(
        order_by=lambda: [ReformProgress.reported_on, ReformProgress.id],
        cascade="all, delete-orphan",
    )


class ReformTaskCoDepartment(Base):
    """配合单位: a co-operating department of a task, in the order the plan names them."""

    __tablename__ = "reform_task_co_departments"
    __table_args__ = (UniqueConstraint("task_id", "position", name="task_position"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("reform_tasks.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(200))


class ReformProgress(Base):
    """进展报告: what a department reported done on a task by a date."""

    __tablename__ = "reform_progress"
    __table_args__ = (CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("reform_tasks.id"), index=True)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    reporter: Mapped[str] = mapped_column(String(100))
    #: the responsible unit whose own progress this is (a county's org id or a department);
    #: None: progress on the task as a whole
    unit: Mapped[str | None] = mapped_column(String(200), index=True, default=None)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

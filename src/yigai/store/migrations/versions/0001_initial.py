"""initial schema: audit log, reported values, reform tasks

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 09:16:05.624760
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aggregate_imports",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_stored", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aggregate_imports")),
    )
    with op.batch_alter_table("aggregate_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aggregate_imports_sha256"), ["sha256"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=5), nullable=False),
        sa.Column("object", sa.String(length=300), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.CheckConstraint("action IN ('read', 'write')", name=op.f("ck_audit_log_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_org_id"), ["org_id"], unique=False)

    op.create_table(
        "reform_plans",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reform_plans")),
    )
    op.create_table(
        "reform_tasks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("lead_department", sa.String(length=200), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("deadline_text", sa.String(length=100), nullable=True),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("source_ref", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["reform_plans.id"], name=op.f("fk_reform_tasks_plan_id_reform_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reform_tasks")),
        sa.UniqueConstraint("plan_id", "code", name="plan_code"),
    )
    with op.batch_alter_table("reform_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reform_tasks_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "reported_values",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("indicator_id", sa.String(length=100), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("period_id", sa.String(length=7), nullable=False),
        sa.Column("grain", sa.String(length=8), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("numerator", sa.BigInteger(), nullable=True),
        sa.Column("denominator", sa.BigInteger(), nullable=True),
        sa.Column("value", sa.String(length=40), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column(
            "import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(numerator IS NULL OR numerator >= 0) AND (denominator IS NULL OR denominator >= 0)",
            name=op.f("ck_reported_values_non_negative"),
        ),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_reported_values_revision_positive")),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["aggregate_imports.id"],
            name=op.f("fk_reported_values_import_id_aggregate_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_values")),
        sa.UniqueConstraint("indicator_id", "org_id", "period_id", "revision", name="key_revision"),
    )
    with op.batch_alter_table("reported_values", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reported_values_current", ["period_id", "is_current"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reported_values_import_id"), ["import_id"], unique=False
        )

    op.create_table(
        "reform_progress",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "percent BETWEEN 0 AND 100", name=op.f("ck_reform_progress_percent_range")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["reform_tasks.id"], name=op.f("fk_reform_progress_task_id_reform_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reform_progress")),
    )
    with op.batch_alter_table("reform_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reform_progress_task_id"), ["task_id"], unique=False)

    op.create_table(
        "reform_task_co_departments",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["reform_tasks.id"],
            name=op.f("fk_reform_task_co_departments_task_id_reform_tasks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reform_task_co_departments")),
        sa.UniqueConstraint("task_id", "position", name="task_position"),
    )
    with op.batch_alter_table("reform_task_co_departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reform_task_co_departments_task_id"), ["task_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reform_task_co_departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reform_task_co_departments_task_id"))

    op.drop_table("reform_task_co_departments")
    with op.batch_alter_table("reform_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reform_progress_task_id"))

    op.drop_table("reform_progress")
    with op.batch_alter_table("reported_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reported_values_import_id"))
        batch_op.drop_index("ix_reported_values_current")

    op.drop_table("reported_values")
    with op.batch_alter_table("reform_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reform_tasks_plan_id"))

    op.drop_table("reform_tasks")
    op.drop_table("reform_plans")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_org_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    with op.batch_alter_table("aggregate_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aggregate_imports_sha256"))

    op.drop_table("aggregate_imports")

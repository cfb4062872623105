"""manual assessment scores (手工评分) as stored inputs, with their import batches

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "manual_score_imports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("scheme_id", sa.String(length=64), nullable=False),
        sa.Column("period_id", sa.String(length=7), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_stored", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_score_imports")),
    )
    with op.batch_alter_table("manual_score_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_manual_score_imports_sha256"), ["sha256"], unique=False
        )

    op.create_table(
        "manual_scores",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("scheme_id", sa.String(length=64), nullable=False),
        sa.Column("period_id", sa.String(length=7), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=100), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("import_id", ID, nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_manual_scores_revision_positive")),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["manual_score_imports.id"],
            name=op.f("fk_manual_scores_import_id_manual_score_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_scores")),
        sa.UniqueConstraint(
            "scheme_id", "period_id", "org_id", "item_id", "revision", name="manual_key_revision"
        ),
    )
    with op.batch_alter_table("manual_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_manual_scores_current", ["scheme_id", "period_id", "is_current"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_manual_scores_import_id"), ["import_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("manual_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_manual_scores_import_id"))
        batch_op.drop_index("ix_manual_scores_current")
    op.drop_table("manual_scores")
    with op.batch_alter_table("manual_score_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_manual_score_imports_sha256"))
    op.drop_table("manual_score_imports")

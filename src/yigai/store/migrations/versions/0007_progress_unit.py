"""reform progress per responsible unit (各责任单位的任务进展)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add an indexed column in place
    with op.batch_alter_table("reform_progress") as batch:
        batch.add_column(sa.Column("unit", sa.String(length=200), nullable=True))
        batch.create_index("ix_reform_progress_unit", ["unit"])


def downgrade() -> None:
    with op.batch_alter_table("reform_progress") as batch:
        batch.drop_index("ix_reform_progress_unit")
        batch.drop_column("unit")

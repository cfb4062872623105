"""aggregate imports: who the form says filled it (填报人), apart from who imported it

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 19:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("aggregate_imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filled_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("aggregate_imports", schema=None) as batch_op:
        batch_op.drop_column("filled_by")

"""settlement at discharge (出院即时结算): desk_settlements

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_settlements",
        sa.Column("encounter_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("care_type", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("in_county", sa.Boolean(), nullable=False),
        sa.Column("cost_total_fen", sa.BigInteger(), nullable=False),
        sa.Column("out_of_scope_fen", sa.BigInteger(), nullable=False),
        sa.Column("referred", sa.Boolean(), nullable=False),
        sa.Column("referred_from", sa.String(length=64), nullable=True),
        sa.Column("referral_in_community", sa.Boolean(), nullable=False),
        sa.Column("groups", sa.String(length=300), nullable=False),
        sa.Column("scheme_region", sa.String(length=64), nullable=False),
        sa.Column("scheme_version", sa.String(length=100), nullable=False),
        sa.Column("eligible_fen", sa.BigInteger(), nullable=False),
        sa.Column("deductible_fen", sa.BigInteger(), nullable=False),
        sa.Column("fund_fen", sa.BigInteger(), nullable=False),
        sa.Column("critical_fen", sa.BigInteger(), nullable=False),
        sa.Column("assistance_fen", sa.BigInteger(), nullable=False),
        sa.Column("patient_fen", sa.BigInteger(), nullable=False),
        sa.Column("admission_no", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=False),
        sa.Column("settled_by", sa.String(length=100), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("encounter_id", name=op.f("pk_desk_settlements")),
        sa.UniqueConstraint("person_id", "year", "seq", name=op.f("uq_desk_settlements_person_id")),
    )
    op.create_index(
        op.f("ix_desk_settlements_person_id"), "desk_settlements", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_desk_settlements_institution_id"),
        "desk_settlements",
        ["institution_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_desk_settlements_institution_id"), table_name="desk_settlements")
    op.drop_index(op.f("ix_desk_settlements_person_id"), table_name="desk_settlements")
    op.drop_table("desk_settlements")

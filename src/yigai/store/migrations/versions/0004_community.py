"""community service: referrals, slots, family-doctor teams and contracts, chronic care

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "community_teams",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_teams")),
        sa.UniqueConstraint("code", name=op.f("uq_community_teams_code")),
    )
    with op.batch_alter_table("community_teams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_teams_institution_id"), ["institution_id"], unique=False
        )

    op.create_table(
        "community_chronic_cases",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("home_unit_id", sa.String(length=64), nullable=False),
        sa.Column("disease", sa.String(length=32), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("doctor", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("screened_on", sa.Date(), nullable=True),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("managed_from", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("uncontrolled_streak", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["community_teams.id"],
            name=op.f("fk_community_chronic_cases_team_id_community_teams"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_chronic_cases")),
    )
    with op.batch_alter_table("community_chronic_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_chronic_cases_doctor"), ["doctor"], unique=False
        )
        batch_op.create_index(
            "ix_community_chronic_cases_due", ["institution_id", "next_due"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_chronic_cases_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_chronic_cases_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "community_contracts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("home_unit_id", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("package", sa.String(length=16), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column(
            "renewed_from_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("signed_by", sa.String(length=100), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("exported_rev", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "valid_to >= valid_from", name=op.f("ck_community_contracts_valid_range")
        ),
        sa.ForeignKeyConstraint(
            ["renewed_from_id"],
            ["community_contracts.id"],
            name=op.f("fk_community_contracts_renewed_from_id_community_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["community_teams.id"],
            name=op.f("fk_community_contracts_team_id_community_teams"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_contracts")),
    )
    with op.batch_alter_table("community_contracts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_contracts_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_contracts_team_id"), ["team_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_contracts_valid_to"), ["valid_to"], unique=False
        )

    op.create_table(
        "community_referrals",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("home_unit_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("from_institution_id", sa.String(length=64), nullable=False),
        sa.Column("to_institution_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("diagnosis_code", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("followup_plan", sa.Text(), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("green_channel", sa.Boolean(), nullable=False),
        sa.Column("by_family_doctor", sa.Boolean(), nullable=False),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("exported_rev", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "direction IN ('up', 'down')", name=op.f("ck_community_referrals_direction")
        ),
        sa.CheckConstraint(
            "state IN ('requested', 'accepted', 'arrived', 'completed', 'rejected', 'cancelled', 'expired')",
            name=op.f("ck_community_referrals_state"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["community_teams.id"],
            name=op.f("fk_community_referrals_team_id_community_teams"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_referrals")),
    )
    with op.batch_alter_table("community_referrals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_referrals_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_referrals_from_institution_id"),
            ["from_institution_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_community_referrals_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            "ix_community_referrals_to_state", ["to_institution_id", "state"], unique=False
        )

    op.create_table(
        "community_team_members",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("member_role", sa.String(length=16), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "member_role IN ('gp', 'nurse', 'public_health', 'specialist')",
            name=op.f("ck_community_team_members_member_role"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["community_teams.id"],
            name=op.f("fk_community_team_members_team_id_community_teams"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_team_members")),
        sa.UniqueConstraint("team_id", "username", name="team_user"),
    )
    with op.batch_alter_table("community_team_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_team_members_team_id"), ["team_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_team_members_username"), ["username"], unique=False
        )

    op.create_table(
        "community_followups",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("disease", sa.String(length=32), nullable=False),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("followup_date", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("sbp", sa.Integer(), nullable=True),
        sa.Column("dbp", sa.Integer(), nullable=True),
        sa.Column("fasting_glucose", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("new_symptoms", sa.Boolean(), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=False),
        sa.Column(
            "referral_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("exported_rev", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["community_chronic_cases.id"],
            name=op.f("fk_community_followups_case_id_community_chronic_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["community_referrals.id"],
            name=op.f("fk_community_followups_referral_id_community_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_followups")),
    )
    with op.batch_alter_table("community_followups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_followups_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "community_slots",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("institution_id", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Boolean(), nullable=False),
        sa.Column("booked", sa.Boolean(), nullable=False),
        sa.Column(
            "referral_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("person_id", sa.String(length=64), nullable=True),
        sa.Column("booked_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["community_referrals.id"],
            name=op.f("fk_community_slots_referral_id_community_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_slots")),
        sa.UniqueConstraint("institution_id", "department", "day", "seq", name="slot"),
    )
    with op.batch_alter_table("community_slots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_community_slots_free", ["institution_id", "day", "reserved", "booked"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("community_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_community_slots_free")

    op.drop_table("community_slots")
    with op.batch_alter_table("community_followups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_followups_case_id"))

    op.drop_table("community_followups")
    with op.batch_alter_table("community_team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_team_members_username"))
        batch_op.drop_index(batch_op.f("ix_community_team_members_team_id"))

    op.drop_table("community_team_members")
    with op.batch_alter_table("community_referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_community_referrals_to_state")
        batch_op.drop_index(batch_op.f("ix_community_referrals_person_id"))
        batch_op.drop_index(batch_op.f("ix_community_referrals_from_institution_id"))
        batch_op.drop_index(batch_op.f("ix_community_referrals_expires_at"))

    op.drop_table("community_referrals")
    with op.batch_alter_table("community_contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_contracts_valid_to"))
        batch_op.drop_index(batch_op.f("ix_community_contracts_team_id"))
        batch_op.drop_index(batch_op.f("ix_community_contracts_person_id"))

    op.drop_table("community_contracts")
    with op.batch_alter_table("community_chronic_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_chronic_cases_team_id"))
        batch_op.drop_index(batch_op.f("ix_community_chronic_cases_person_id"))
        batch_op.drop_index("ix_community_chronic_cases_due")
        batch_op.drop_index(batch_op.f("ix_community_chronic_cases_doctor"))

    op.drop_table("community_chronic_cases")
    with op.batch_alter_table("community_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_teams_institution_id"))

    op.drop_table("community_teams")

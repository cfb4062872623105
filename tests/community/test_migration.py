"""Migration 0004: builds the community tables after 0003 and takes them away on downgrade."""

from __future__ import annotations

from tests.auth.test_migration import _tables

from yigai.store import downgrade, migrate

TABLES = {
    "community_referrals",
    "community_slots",
    "community_teams",
    "community_team_members",
    "community_contracts",
    "community_chronic_cases",
    "community_followups",
}


def test_0004_creates_the_community_tables_and_downgrade_drops_them(empty_db_url: str) -> None:
    migrate(empty_db_url, "0003")
    assert not TABLES & _tables(empty_db_url)
    migrate(empty_db_url, "0004")
    assert _tables(empty_db_url) >= TABLES
    downgrade(empty_db_url, "0003")
    assert not TABLES & _tables(empty_db_url)

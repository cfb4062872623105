"""Family-doctor teams and contracts: one-year term, renewal, end, green channel, rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yigai.community import contracts as ct
from yigai.community import referrals as rf
from yigai.community.directory import ResidentDirectory
from yigai.errors import Conflict, Invalid, NotFound

from .conftest import P1, TODAY, up_referral


@pytest.fixture
def team(db_session, township):  # type: ignore[no-untyped-def]
    team = ct.create_team(db_session, township, code="T1-A", name="一队", institution_id="T1")
    ct.add_member(
        db_session, township, team.id, username="cun", member_role="gp", institution_id="V1"
    )
    ct.add_member(
        db_session,
        township,
        team.id,
        username="zhuanke",
        member_role="specialist",
        institution_id="H1",
    )
    return team


def test_a_contract_runs_one_year(db_session, township, team, directory) -> None:  # type: ignore[no-untyped-def]
    c = ct.sign_contract(
        db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY
    )
    assert (c.valid_from, c.valid_to, c.institution_id) == (TODAY, dt.date(2025, 2, 28), "T1")


def test_a_second_valid_contract_is_a_conflict(db_session, township, team, directory) -> None:  # type: ignore[no-untyped-def]
    ct.sign_contract(db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY)
    with pytest.raises(Conflict):
        ct.sign_contract(
            db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY
        )


def test_renewal_starts_the_day_after_the_old_contract(
    db_session, township, team, directory
) -> None:  # type: ignore[no-untyped-def]
    c = ct.sign_contract(
        db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY
    )
    new = ct.renew_contract(db_session, township, directory, c.id, today=dt.date(2025, 2, 1))
    assert (new.valid_from, new.renewed_from_id) == (dt.date(2025, 3, 1), c.id)
    with pytest.raises(Conflict, match="已续约"):
        ct.renew_contract(db_session, township, directory, c.id, today=dt.date(2025, 2, 1))


def test_ending_needs_a_reason_and_a_day_within_the_term(
    db_session, township, team, directory
) -> None:  # type: ignore[no-untyped-def]
    c = ct.sign_contract(
        db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY
    )
    with pytest.raises(Invalid):
        ct.end_contract(db_session, township, c.id, last_day=TODAY, reason=" ")
    with pytest.raises(Invalid):
        ct.end_contract(db_session, township, c.id, last_day=dt.date(2026, 1, 1), reason="迁出")
    ended = ct.end_contract(
        db_session, township, c.id, last_day=dt.date(2024, 6, 30), reason="迁出"
    )
    assert (ended.ended_on, ended.rev) == (dt.date(2024, 6, 30), 2)
    assert rf.active_contract(db_session, P1, dt.date(2024, 7, 1)) is None


def test_a_team_outside_scope_is_not_found(db_session, principal, team, directory) -> None:  # type: ignore[no-untyped-def]
    other = principal("waizhen", "township_doctor", "T2")
    with pytest.raises(NotFound):
        ct.sign_contract(db_session, other, directory, person_id=P1, team_id=team.id, today=TODAY)


def test_an_up_referral_by_the_residents_own_team_is_green_channel(
    db_session, township, village, team, directory: ResidentDirectory
) -> None:
    ct.sign_contract(db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY)
    r = up_referral(db_session, village, directory)
    assert (r.green_channel, r.by_family_doctor, r.team_id) == (True, True, team.id)


def test_an_up_referral_without_a_contract_is_not_green_channel(
    db_session, village, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    assert r.green_channel is False


def test_signing_rates_by_group_against_the_indicator_targets(
    db_session, township, team, directory
) -> None:  # type: ignore[no-untyped-def]
    ct.sign_contract(db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY)
    rates = {r.group: r for r in ct.signing_rates(db_session, township, directory, day=TODAY)}
    # township scope T1+V1: P1 (74, hypertension) signed, P2 (special family) not
    assert (rates["general"].population, rates["general"].contracted) == (2, 1)
    assert rates["general"].rate == Decimal("50.00") and rates["general"].met is True
    assert rates["general"].target == Decimal(35)
    assert (rates["key"].rate, rates["key"].target) == (Decimal("50.00"), Decimal(70))
    assert (rates["special"].rate, rates["special"].target, rates["special"].met) == (
        Decimal("0.00"),
        Decimal(100),
        False,
    )


def test_a_member_cannot_join_the_same_team_twice(db_session, township, team) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict, match="已是该团队成员"):
        ct.add_member(
            db_session, township, team.id, username="cun", member_role="nurse", institution_id="V1"
        )

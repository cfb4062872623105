"""Worklists: follow-ups due and overdue by doctor and team, referrals awaiting action (urgent
and green channel first), contracts due for renewal; scope and audit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from yigai.community import chronic, worklists
from yigai.community import contracts as ct
from yigai.store import AuditLog

from .conftest import NOW, P1, P2, TODAY, up_referral

H = dt.timedelta(hours=1)


def _case(db, actor, directory, person, institution, due):  # type: ignore[no-untyped-def]
    case = chronic.register_case(
        db,
        actor,
        directory,
        person_id=person,
        disease="hypertension",
        institution_id=institution,
        confirmed_on=TODAY,
        today=TODAY,
    )
    case.next_due = due
    return case


def test_due_and_overdue_followups_per_doctor(db_session, village, township, directory) -> None:  # type: ignore[no-untyped-def]
    late = _case(db_session, village, directory, P1, "V1", TODAY - dt.timedelta(days=3))
    soon = _case(db_session, township, directory, P2, "T1", TODAY + dt.timedelta(days=5))
    rows = worklists.followups_due(db_session, township, today=TODAY)
    assert [(r.case_id, r.overdue) for r in rows] == [(late.id, True), (soon.id, False)]
    mine = worklists.followups_due(db_session, township, today=TODAY, doctor="cun")
    assert [r.case_id for r in mine] == [late.id]


def test_a_village_doctor_sees_only_their_village(db_session, village, township, directory) -> None:  # type: ignore[no-untyped-def]
    _case(db_session, village, directory, P1, "V1", TODAY)
    _case(db_session, township, directory, P2, "T1", TODAY)
    assert [r.person_id for r in worklists.followups_due(db_session, village, today=TODAY)] == [P1]


def test_the_worklist_read_is_audited_with_the_pseudonyms(db_session, village, directory) -> None:  # type: ignore[no-untyped-def]
    _case(db_session, village, directory, P1, "V1", TODAY)
    worklists.followups_due(db_session, village, today=TODAY)
    entry = db_session.scalars(
        select(AuditLog).where(AuditLog.object == "worklist:followups")
    ).one()
    assert entry.action == "read" and P1 in (entry.detail or "")


def test_referrals_awaiting_put_urgent_then_green_channel_first(
    db_session, village, township, specialist, directory
) -> None:  # type: ignore[no-untyped-def]
    def up(person, origin, actor, urgent=False, at=NOW):  # type: ignore[no-untyped-def]
        return up_referral(db_session, actor, directory, person, origin, urgent=urgent, now=at)

    team = ct.create_team(db_session, township, code="A", name="A", institution_id="T1")
    ct.add_member(
        db_session, township, team.id, username="cun", member_role="gp", institution_id="V1"
    )
    ct.sign_contract(db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY)
    plain = up(P2, "T1", township)
    green = up(P1, "V1", village, at=NOW + H)
    urgent = up(P2, "T1", township, urgent=True, at=NOW + 2 * H)
    got = worklists.referrals_awaiting(db_session, specialist, now=NOW + 3 * H)
    assert [r.id for r in got] == [urgent.id, green.id, plain.id]
    assert worklists.referrals_awaiting(db_session, specialist, now=NOW + 80 * H) == []


def test_contracts_due_for_renewal_within_n_days(db_session, township, directory) -> None:  # type: ignore[no-untyped-def]
    team = ct.create_team(db_session, township, code="A", name="A", institution_id="T1")
    c = ct.sign_contract(
        db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY
    )
    day = dt.date(2025, 2, 1)  # the contract runs to 2025-02-28
    assert (
        worklists.contracts_due_for_renewal(db_session, township, today=day, within_days=10) == []
    )
    assert [x.id for x in worklists.contracts_due_for_renewal(db_session, township, today=day)] == [
        c.id
    ]
    ct.renew_contract(db_session, township, directory, c.id, today=day)
    assert worklists.contracts_due_for_renewal(db_session, township, today=day) == []


def test_a_case_joins_the_residents_team_and_its_worklist(
    db_session, village, township, directory
) -> None:  # type: ignore[no-untyped-def]
    team = ct.create_team(db_session, township, code="A", name="A", institution_id="T1")
    ct.sign_contract(db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY)
    case = _case(db_session, village, directory, P1, "V1", TODAY)
    _case(db_session, township, directory, P2, "T1", TODAY)
    rows = worklists.followups_due(db_session, township, today=TODAY, team_id=team.id)
    assert [r.case_id for r in rows] == [case.id]

"""Referral requests and the state machine: who may, which transitions, expiry, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from yigai.community import referrals as rf
from yigai.community._common import aware
from yigai.community.directory import ResidentDirectory
from yigai.errors import Conflict, Forbidden, Invalid, NotFound
from yigai.store import AuditLog
from yigai.store.models_community import ChronicCase

from .conftest import NOW, P1, P3, TODAY, MakePrincipal, down_referral, up_referral

H = dt.timedelta(hours=1)


def test_an_up_referral_goes_to_the_lead_hospital_of_the_community(
    db_session, village, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    assert (r.state, r.to_institution_id, r.diagnosis_code) == ("requested", "H1", "I10")
    assert aware(r.expires_at) == NOW + 72 * H


def test_a_resident_outside_the_doctors_village_is_not_found(
    db_session, village, directory: ResidentDirectory
) -> None:
    with pytest.raises(NotFound):
        up_referral(db_session, village, directory, person=P3, origin="V1")


def test_a_role_without_the_permission_is_forbidden(
    db_session, principal: MakePrincipal, directory: ResidentDirectory
) -> None:
    bureau = principal("ju", "health_bureau", "V1")
    with pytest.raises(Forbidden):
        up_referral(db_session, bureau, directory)


def test_a_diagnosis_that_is_not_icd10_is_refused(
    db_session, village, directory: ResidentDirectory
) -> None:
    with pytest.raises(Invalid, match="ICD-10"):
        up_referral(db_session, village, directory, diagnosis_code="高血压")


def test_the_full_path_requested_accepted_arrived_completed(
    db_session, village, specialist, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    for action, state in (("accept", "accepted"), ("arrive", "arrived"), ("complete", "completed")):
        r = rf.transition(db_session, specialist, r.id, action, now=NOW + H)
        assert r.state == state
    assert r.rev == 4


def test_an_invalid_transition_names_the_state_and_the_action(
    db_session, village, specialist, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    with pytest.raises(Conflict) as err:
        rf.transition(db_session, specialist, r.id, "complete", now=NOW + H)
    assert "已申请" in err.value.zh and "完成" in err.value.zh
    assert "requested" in err.value.en and "complete" in err.value.en


def test_accepting_twice_in_one_session_is_a_conflict(
    db_session, village, specialist, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    rf.transition(db_session, specialist, r.id, "accept", now=NOW + H)
    with pytest.raises(Conflict, match="已接收"):
        rf.transition(db_session, specialist, r.id, "accept", now=NOW + H)


def test_a_specialist_of_another_community_cannot_see_the_referral(
    db_session, village, principal: MakePrincipal, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    other = principal("waixian", "county_specialist", "H2")
    with pytest.raises(NotFound):
        rf.transition(db_session, other, r.id, "accept", now=NOW + H)


def test_the_referring_doctor_cannot_accept_their_own_up_referral(
    db_session, village, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    with pytest.raises(Forbidden):
        rf.transition(db_session, village, r.id, "accept", now=NOW + H)


def test_reject_needs_a_reason(db_session, village, specialist, directory) -> None:  # type: ignore[no-untyped-def]
    r = up_referral(db_session, village, directory)
    with pytest.raises(Invalid, match="原因"):
        rf.transition(db_session, specialist, r.id, "reject", now=NOW + H)
    assert rf.transition(db_session, specialist, r.id, "reject", now=NOW, note="无床位").state == (
        "rejected"
    )


def test_overdue_requests_expire_and_later_ones_do_not(
    db_session, village, directory: ResidentDirectory
) -> None:
    old = up_referral(db_session, village, directory)
    new = up_referral(db_session, village, directory, now=NOW + 10 * H)
    assert rf.expire_overdue(db_session, NOW + 72 * H) == 1
    db_session.refresh(old)
    db_session.refresh(new)
    assert (old.state, new.state) == ("expired", "requested")
    assert rf.expire_overdue(db_session, NOW + 72 * H) == 0


def test_accepting_past_the_time_limit_is_refused(
    db_session, village, specialist, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    with pytest.raises(Conflict, match="时限"):
        rf.transition(db_session, specialist, r.id, "accept", now=NOW + 72 * H)


def test_every_change_is_audited_with_the_pseudonym(
    db_session, village, specialist, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    rf.transition(db_session, specialist, r.id, "accept", now=NOW + H)
    rows = db_session.scalars(select(AuditLog).where(AuditLog.object == f"referral:{r.id}")).all()
    assert [(a.user, a.action) for a in rows] == [("cun", "write"), ("zhuanke", "write")]
    assert all(P1 in (a.detail or "") for a in rows)


def test_a_down_referral_goes_back_home_and_makes_the_case_due(
    db_session, specialist, directory: ResidentDirectory
) -> None:
    case = ChronicCase(
        person_id=P1,
        home_unit_id="V1",
        disease="hypertension",
        institution_id="V1",
        doctor="cun",
        confirmed_on=TODAY,
        managed_from=TODAY,
        next_due=dt.date(2024, 6, 1),
    )
    db_session.add(case)
    db_session.flush()
    r = down_referral(db_session, specialist, directory)
    assert r.to_institution_id == "V1"
    db_session.refresh(case)
    assert case.next_due == TODAY + dt.timedelta(days=14)


def test_a_down_referral_needs_a_followup_plan(
    db_session, specialist, directory: ResidentDirectory
) -> None:
    with pytest.raises(Invalid, match="随访计划"):
        down_referral(db_session, specialist, directory, followup_plan=None)


def test_a_township_cannot_refer_down(db_session, township, directory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match="县级医院"):
        down_referral(db_session, township, directory, origin="T1")


def test_reading_a_referral_is_audited_and_scoped(
    db_session, village, principal: MakePrincipal, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    assert rf.get_referral(db_session, village, r.id).id == r.id
    entry = db_session.scalars(
        select(AuditLog).where(AuditLog.object == f"referral:{r.id}", AuditLog.action == "read")
    ).one()
    assert entry.user == "cun" and P1 in (entry.detail or "")
    with pytest.raises(NotFound):
        rf.get_referral(db_session, principal("waixian", "county_specialist", "H2"), r.id)


def test_the_referring_doctor_may_cancel_until_the_patient_arrives(
    db_session, village, specialist, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    rf.transition(db_session, specialist, r.id, "accept", now=NOW + H)
    assert rf.transition(
        db_session, village, r.id, "cancel", now=NOW + H, note="患者拒绝"
    ).state == ("cancelled")
    other = up_referral(db_session, village, directory)
    rf.transition(db_session, specialist, other.id, "accept", now=NOW + H)
    rf.transition(db_session, specialist, other.id, "arrive", now=NOW + H)
    with pytest.raises(Conflict, match="已到达"):
        rf.transition(db_session, village, other.id, "cancel", now=NOW + H, note="x")


def test_an_accepted_patient_who_never_arrives_expires_from_the_acceptance(
    db_session, village, specialist, directory: ResidentDirectory
) -> None:
    r = up_referral(db_session, village, directory)
    rf.transition(db_session, specialist, r.id, "accept", now=NOW + 70 * H)
    assert rf.expire_overdue(db_session, NOW + 100 * H) == 0
    assert rf.expire_overdue(db_session, NOW + 142 * H) == 1


def test_an_identity_number_in_free_text_is_refused(
    db_session, village, directory: ResidentDirectory
) -> None:
    from yigai.people import identity

    number = "11010519491231002" + identity.check_digit("11010519491231002")
    with pytest.raises(Invalid, match="身份证号"):
        up_referral(db_session, village, directory, summary=f"患者 {number} 头晕")

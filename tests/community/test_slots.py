"""号源 with the green-channel share; the county / township disease lists."""

from __future__ import annotations

import datetime as dt

import pytest

from yigai.community import contracts as ct
from yigai.community import disease_lists as dl
from yigai.community import referrals as rf
from yigai.community import slots
from yigai.errors import Conflict, Forbidden

from .conftest import NOW, P1, P2, TODAY, up_referral

DAY = dt.date(2024, 3, 4)


@pytest.fixture
def manager(principal):  # type: ignore[no-untyped-def]
    return principal("guanli", "community_manager", "M1", "H1", "T1", "V1")


def _open(db, manager, count=5):  # type: ignore[no-untyped-def]
    return slots.open_slots(
        db, manager, institution_id="H1", department="心内科", day=DAY, count=count
    )


def test_the_green_channel_share_is_reserved(db_session, manager) -> None:  # type: ignore[no-untyped-def]
    opened = _open(db_session, manager, count=10)
    assert [s.reserved for s in opened] == [True, True] + [False] * 8


def test_a_doctor_may_not_open_slots(db_session, village) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        _open(db_session, village)


def test_a_green_channel_referral_takes_a_reserved_slot_first(
    db_session, manager, township, village, directory
) -> None:  # type: ignore[no-untyped-def]
    _open(db_session, manager)
    team = ct.create_team(db_session, township, code="A", name="A", institution_id="T1")
    ct.add_member(
        db_session, township, team.id, username="cun", member_role="gp", institution_id="V1"
    )
    ct.sign_contract(db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY)
    r = up_referral(db_session, village, directory)
    slot = slots.book_for_referral(db_session, village, r.id, department="心内科", day=DAY)
    assert slot.reserved and slot.referral_id == r.id


def test_an_ordinary_referral_cannot_take_a_reserved_slot(
    db_session, manager, village, directory
) -> None:  # type: ignore[no-untyped-def]
    _open(db_session, manager, count=5)  # 1 reserved, 4 ordinary
    for _ in range(4):
        r = up_referral(db_session, village, directory)
        assert not slots.book_for_referral(
            db_session, village, r.id, department="心内科", day=DAY
        ).reserved
    r = up_referral(db_session, village, directory)
    with pytest.raises(Conflict, match="没有可预约"):
        slots.book_for_referral(db_session, village, r.id, department="心内科", day=DAY)


def test_an_ordinary_booking_never_takes_a_reserved_slot(
    db_session, manager, township, directory
) -> None:  # type: ignore[no-untyped-def]
    opened = _open(db_session, manager, count=5)  # 20% of 5: 1 reserved
    assert sum(s.reserved for s in opened) == 1
    free_ordinary = 4

    def book() -> None:
        slots.book_ordinary(
            db_session,
            township,
            directory,
            person_id=P2,
            institution_id="H1",
            department="心内科",
            day=DAY,
        )

    for _ in range(free_ordinary):
        book()
    with pytest.raises(Conflict):
        book()


def test_a_rejected_referral_gives_its_slot_back(
    db_session, manager, village, specialist, directory
) -> None:  # type: ignore[no-untyped-def]
    _open(db_session, manager, count=5)
    r = up_referral(db_session, village, directory)
    slot = slots.book_for_referral(db_session, village, r.id, department="心内科", day=DAY)
    rf.transition(db_session, specialist, r.id, "reject", now=NOW, note="无床位")
    db_session.refresh(slot)
    assert (slot.booked, slot.referral_id) == (False, None)


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("I10", "county", True),
        ("E11.9", "county", True),
        ("I21.0", "county", False),
        ("I10", "township", False),
    ],
)
def test_should_send_down_a_county_patient_on_the_township_list(code, level, expected) -> None:  # type: ignore[no-untyped-def]
    assert dl.should_send_down(code, level) is expected


def test_the_shipped_lists_say_they_are_a_working_list() -> None:
    lists = dl.load()
    assert lists.working_list and "工作清单" in lists.source


def test_an_expired_referral_gives_its_slot_back(db_session, manager, village, directory) -> None:  # type: ignore[no-untyped-def]
    _open(db_session, manager, count=5)
    r = up_referral(db_session, village, directory)
    slot = slots.book_for_referral(db_session, village, r.id, department="心内科", day=DAY)
    assert rf.expire_overdue(db_session, NOW + dt.timedelta(hours=72)) == 1
    db_session.refresh(slot)
    assert (slot.booked, slot.referral_id) == (False, None)

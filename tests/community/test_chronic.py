"""Chronic care: control classification exactly on the specification's boundaries, next due
dates, the urgent-referral proposal, registration rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yigai.community import chronic
from yigai.community.directory import ResidentDirectory
from yigai.errors import Conflict, Invalid, NotFound
from yigai.store.models_community import ChronicCase, Referral

from .conftest import NOW, P1, P3, TODAY

DAY = dt.date(2024, 3, 1)


def _case(disease: str, streak: int = 0) -> ChronicCase:
    return ChronicCase(disease=disease, uncontrolled_streak=streak)


@pytest.mark.parametrize(
    ("sbp", "dbp", "expected"),
    [(139, 89, "controlled"), (140, 89, "uncontrolled"), (139, 90, "uncontrolled")],
)
def test_hypertension_is_controlled_strictly_below_140_90(
    sbp: int, dbp: int, expected: str
) -> None:
    got = chronic.assess(_case("hypertension"), DAY, sbp=sbp, dbp=dbp, glucose=None)
    assert got.classification == expected


def test_controlled_without_complaints_is_seen_again_in_three_months() -> None:
    got = chronic.assess(_case("hypertension"), DAY, sbp=130, dbp=80, glucose=None)
    assert (got.action, got.next_due) == ("continue", dt.date(2024, 6, 1))


def test_first_uncontrolled_reading_is_reviewed_in_two_weeks() -> None:
    got = chronic.assess(_case("hypertension"), DAY, sbp=150, dbp=80, glucose=None)
    assert (got.action, got.next_due, got.urgent) == ("adjust", DAY + dt.timedelta(days=14), False)


def test_second_uncontrolled_reading_in_a_row_is_referred() -> None:
    got = chronic.assess(_case("hypertension", streak=1), DAY, sbp=150, dbp=80, glucose=None)
    assert (got.action, got.urgent) == ("refer", False)


@pytest.mark.parametrize(
    ("sbp", "dbp", "urgent"), [(180, 80, True), (179, 109, False), (120, 110, True)]
)
def test_urgent_from_180_or_110_inclusive(sbp: int, dbp: int, urgent: bool) -> None:
    got = chronic.assess(_case("hypertension"), DAY, sbp=sbp, dbp=dbp, glucose=None)
    assert got.urgent is urgent


@pytest.mark.parametrize(
    ("glucose", "classification", "urgent"),
    [
        ("6.9", "controlled", False),
        ("7.0", "uncontrolled", False),
        ("16.6", "uncontrolled", False),
        ("16.7", "uncontrolled", True),
        ("4.0", "controlled", False),
        ("3.9", "uncontrolled", True),
    ],
)
def test_diabetes_boundaries_7_0_16_7_3_9(glucose: str, classification: str, urgent: bool) -> None:
    got = chronic.assess(_case("diabetes"), DAY, sbp=None, dbp=None, glucose=Decimal(glucose))
    assert (got.classification, got.urgent) == (classification, urgent)


def _register(db, actor, directory, disease="hypertension"):  # type: ignore[no-untyped-def]
    return chronic.register_case(
        db,
        actor,
        directory,
        person_id=P1,
        disease=disease,
        institution_id="V1",
        confirmed_on=TODAY,
        today=TODAY,
    )


def test_an_urgent_reading_creates_an_urgent_referral_proposal_at_once(
    db_session, village, directory: ResidentDirectory
) -> None:
    case = _register(db_session, village, directory)
    f = chronic.record_followup(
        db_session, village, directory, case.id, followup_date=TODAY, sbp=182, dbp=95, now=NOW
    )
    ref = db_session.get(Referral, f.referral_id)
    assert (ref.state, ref.urgent, ref.direction, ref.to_institution_id) == (
        "requested",
        True,
        "up",
        "H1",
    )
    assert f.action == "refer" and case.next_due == TODAY + dt.timedelta(days=14)


def test_a_controlled_reading_creates_no_referral(db_session, village, directory) -> None:  # type: ignore[no-untyped-def]
    case = _register(db_session, village, directory)
    f = chronic.record_followup(
        db_session, village, directory, case.id, followup_date=TODAY, sbp=120, dbp=70, now=NOW
    )
    assert f.referral_id is None and case.next_due == dt.date(2024, 6, 1)


def test_a_hypertension_followup_without_bp_is_refused(db_session, village, directory) -> None:  # type: ignore[no-untyped-def]
    case = _register(db_session, village, directory)
    with pytest.raises(Invalid, match="收缩压"):
        chronic.record_followup(
            db_session, village, directory, case.id, followup_date=TODAY, now=NOW
        )


def test_a_second_open_case_of_the_same_disease_is_a_conflict(
    db_session, village, directory
) -> None:  # type: ignore[no-untyped-def]
    _register(db_session, village, directory)
    with pytest.raises(Conflict):
        _register(db_session, village, directory)


def test_registering_a_resident_out_of_scope_is_not_found(db_session, village, directory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        chronic.register_case(
            db_session,
            village,
            directory,
            person_id=P3,
            disease="diabetes",
            institution_id="V1",
            confirmed_on=TODAY,
            today=TODAY,
        )


def test_tuberculosis_followups_take_the_doctors_schedule(db_session, village, directory) -> None:  # type: ignore[no-untyped-def]
    case = _register(db_session, village, directory, "tuberculosis")
    with pytest.raises(Invalid):
        chronic.record_followup(
            db_session, village, directory, case.id, followup_date=TODAY, now=NOW
        )
    f = chronic.record_followup(
        db_session,
        village,
        directory,
        case.id,
        followup_date=TODAY,
        classification="controlled",
        next_due=TODAY + dt.timedelta(days=10),
        now=NOW,
    )
    assert f.next_due == TODAY + dt.timedelta(days=10)

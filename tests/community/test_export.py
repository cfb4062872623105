"""Export of the service's events to the warehouse: through ingestion, incremental,
idempotent, and read by settlement's referral continuity."""

from __future__ import annotations

import datetime as dt

import pytest

from policy.test_settle import _enc, _inst, _table
from yigai.community import chronic, export
from yigai.community import contracts as ct
from yigai.community import referrals as rf
from yigai.community.directory import ResidentDirectory
from yigai.policy.settle import settle_claims
from yigai.warehouse import Warehouse

from .conftest import P1, P2, P3, down_referral, up_referral

D = dt.date
KEY = b"test-key"
#: 2024-03-01 10:00 in China; the stay below runs in March.
AT = dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.UTC)
TODAY = D(2024, 4, 1)


@pytest.fixture
def wh(tmp_path) -> Warehouse:  # type: ignore[no-untyped-def]
    wh = Warehouse(tmp_path / "wh")
    orgs = [
        {"org_id": "P", "kind": "province", "name": "省"},
        {"org_id": "C", "parent_id": "P", "kind": "city", "name": "市"},
        {"org_id": "K1", "parent_id": "C", "kind": "county", "name": "县"},
        {"org_id": "M1", "parent_id": "K1", "kind": "community", "name": "医共体"},
        _inst("H1", "K1", "county_general", "county"),
        _inst("T1", "K1", "township_centre", "township"),
        _inst("V1", "K1", "village_clinic", "village"),
    ]
    members = [
        {
            "community_id": "M1",
            "institution_id": i,
            "role": "lead" if i == "H1" else "member",
            "valid_from": D(2020, 1, 1),
        }
        for i in ("H1", "T1", "V1")
    ]
    residents = [
        {
            "person_id": p,
            "id_masked": "12",
            "sex": "F",
            "birth_ym": D(1950, 5, 1),
            "home_unit_id": home,
            "scheme": "resident",
            "registered_on": D(2000, 1, 1),
            "grp_hypertension": p == P1,
        }
        for p, home in ((P1, "V1"), (P2, "T1"))
    ]
    for name, rows in (
        ("org_units", orgs),
        ("community_members", members),
        ("residents", residents),
    ):
        wh.commit(name, _table(name, rows), f"test-{name}", "test")
    return wh


@pytest.fixture
def wh_directory(wh: Warehouse) -> ResidentDirectory:
    return ResidentDirectory.from_warehouse(wh, D(2024, 3, 1))


def _register(db, actor, directory, person: str, disease: str):  # type: ignore[no-untyped-def]
    return chronic.register_case(
        db,
        actor,
        directory,
        person_id=person,
        disease=disease,
        institution_id="V1",
        confirmed_on=D(2024, 3, 1),
        today=D(2024, 3, 1),
    )


def _completed_up_referral(db, township, specialist, directory):  # type: ignore[no-untyped-def]
    r = up_referral(
        db, township, directory, P2, "T1", reason="病情加重", diagnosis_code="I63", now=AT
    )
    for action, days in (("accept", 0), ("arrive", 1), ("complete", 9)):
        rf.transition(db, specialist, r.id, action, now=AT + dt.timedelta(days=days, hours=1))
    return r


def test_the_directory_leaves_out_residents_who_left(wh: Warehouse, village) -> None:  # type: ignore[no-untyped-def]
    gone = {
        "person_id": P3,
        "id_masked": "56",
        "sex": "M",
        "birth_ym": D(1990, 1, 1),
        "home_unit_id": "V1",
        "scheme": "resident",
        "registered_on": D(2000, 1, 1),
        "left_on": D(2024, 2, 1),
    }
    wh.commit("residents", _table("residents", [gone]), "gone", "t")
    people = ResidentDirectory.from_warehouse(wh, D(2024, 3, 1)).residents_in(["V1"])
    assert [r.person_id for r in people] == [P1]


def test_the_directory_reads_the_warehouse_registries(
    wh_directory: ResidentDirectory, village
) -> None:  # type: ignore[no-untyped-def]
    assert wh_directory.lead_hospital("V1") == "H1"
    assert wh_directory.resident(village, P1).groups == frozenset({"hypertension"})


def test_a_closed_referral_reaches_the_warehouse_once(
    db_session, wh, wh_directory, township, specialist
) -> None:  # type: ignore[no-untyped-def]
    r = _completed_up_referral(db_session, township, specialist, wh_directory)
    open_one = up_referral(db_session, township, wh_directory, P2, "T1", now=AT)
    first = export.export_events(db_session, wh, key=KEY, today=TODAY)
    assert first["referrals"] is not None and first["referrals"].status == "committed"
    stored = wh.read("referrals").to_pylist()
    assert [(x["referral_id"], x["status"], x["completed_on"]) for x in stored] == [
        (export.referral_id(r.id), "completed", D(2024, 3, 10))
    ]
    assert export.referral_id(open_one.id) not in {x["referral_id"] for x in stored}
    second = export.export_events(db_session, wh, key=KEY, today=TODAY)
    assert second == {
        "chronic_cases": None,
        "referrals": None,
        "followups": None,
        "contracts": None,
    }
    assert len(wh.batches("referrals")) == 1


def test_followups_and_a_contract_ended_later_are_exported_incrementally(
    db_session, wh, wh_directory, village, township
) -> None:  # type: ignore[no-untyped-def]
    case = _register(db_session, village, wh_directory, P1, "hypertension")
    chronic.record_followup(
        db_session,
        village,
        wh_directory,
        case.id,
        followup_date=D(2024, 3, 1),
        sbp=150,
        dbp=85,
        now=AT,
    )
    team = ct.create_team(db_session, township, code="T1-A", name="一队", institution_id="T1")
    c = ct.sign_contract(
        db_session, township, wh_directory, person_id=P1, team_id=team.id, today=D(2024, 3, 1)
    )
    reports = export.export_events(db_session, wh, key=KEY, today=TODAY)
    assert {k: v.status for k, v in reports.items() if v} == {
        "chronic_cases": "committed",
        "followups": "committed",
        "contracts": "committed",
    }
    ct.end_contract(db_session, township, c.id, last_day=D(2024, 3, 20), reason="迁出")
    again = export.export_events(db_session, wh, key=KEY, today=TODAY)
    assert (again["chronic_cases"], again["followups"]) == (None, None)
    assert again["contracts"] is not None
    assert again["contracts"].status == "committed", again["contracts"].rejections
    versions = wh.read("contracts").to_pylist()
    assert sorted((v["valid_to"], v["version_from"]) for v in versions) == [
        (D(2024, 3, 20), D(2024, 3, 20)),
        (D(2025, 2, 28), D(1900, 1, 1)),
    ]
    stored = wh.read("followups").to_pylist()
    assert [(f["classification"], f["next_due"]) for f in stored] == [
        ("uncontrolled", D(2024, 3, 15))
    ]


def test_settlement_links_the_stay_by_the_exported_referral(
    db_session, wh, wh_directory, township, specialist
) -> None:  # type: ignore[no-untyped-def]
    down = down_referral(
        db_session,
        specialist,
        wh_directory,
        P2,
        diagnosis_code="I63",
        followup_plan="康复随访",
        now=AT + dt.timedelta(days=9),
    )
    for action in ("accept", "arrive", "complete"):
        rf.transition(db_session, township, down.id, action, now=AT + dt.timedelta(days=9, hours=2))
    stays = [
        _enc("E1", P2, "H1", "inpatient", D(2024, 3, 1), D(2024, 3, 10), 1_000_000),
        _enc(
            "E2",
            P2,
            "T1",
            "inpatient",
            D(2024, 3, 10),
            D(2024, 3, 20),
            300_000,
            export.referral_id(down.id),
        ),
    ]
    wh.commit("encounters", _table("encounters", stays), "test-encounters", "test")

    def deductible_of_e2() -> int:
        claims = settle_claims(wh, 2024, "hubei_xiaogan").to_pylist()
        return next(c["deductible_fen"] for c in claims if c["encounter_id"] == "E2")

    before = deductible_of_e2()  # no referral in the warehouse: a second admission's own
    export.export_events(db_session, wh, key=KEY, today=TODAY)
    # a down-referral inside the community continues the stay: no second deductible
    assert (before > 0, deductible_of_e2()) == (True, 0)


def test_followups_of_diseases_the_warehouse_does_not_list_stay_in_the_store(
    db_session, wh, wh_directory, village
) -> None:  # type: ignore[no-untyped-def]
    case = _register(db_session, village, wh_directory, P1, "tuberculosis")
    chronic.record_followup(
        db_session,
        village,
        wh_directory,
        case.id,
        followup_date=D(2024, 3, 1),
        classification="controlled",
        next_due=D(2024, 3, 11),
        now=AT,
    )
    assert export.export_events(db_session, wh, key=KEY, today=TODAY)["followups"] is None


def test_a_contract_ended_before_its_first_export_goes_as_one_version(
    db_session, wh, wh_directory, township
) -> None:  # type: ignore[no-untyped-def]
    team = ct.create_team(db_session, township, code="T1-A", name="一队", institution_id="T1")
    c = ct.sign_contract(
        db_session, township, wh_directory, person_id=P2, team_id=team.id, today=D(2024, 3, 1)
    )
    ct.end_contract(db_session, township, c.id, last_day=D(2024, 3, 5), reason="死亡")
    export.export_events(db_session, wh, key=KEY, today=TODAY)
    assert [(v["valid_to"], v["version_from"]) for v in wh.read("contracts").to_pylist()] == [
        (D(2024, 3, 5), D(1900, 1, 1))
    ]


def test_a_rejected_batch_marks_nothing_and_is_sent_again(
    db_session, wh, directory, principal
) -> None:  # type: ignore[no-untyped-def]
    other = principal("waizhen", "township_doctor", "T2")
    team = ct.create_team(db_session, other, code="T2-A", name="二队", institution_id="T2")
    ct.sign_contract(
        db_session, other, directory, person_id=P3, team_id=team.id, today=D(2024, 3, 1)
    )
    refused = export.export_events(db_session, wh, key=KEY, today=TODAY)  # T2, P3 unknown there
    assert refused["contracts"] is not None and refused["contracts"].status == "rejected"
    wh.commit(
        "org_units",
        _table("org_units", [_inst("T2", "K1", "township_centre", "township")]),
        "t2",
        "t",
    )
    resident = {
        "person_id": P3,
        "id_masked": "56",
        "sex": "M",
        "birth_ym": D(1990, 1, 1),
        "home_unit_id": "T2",
        "scheme": "resident",
        "registered_on": D(2000, 1, 1),
    }
    wh.commit("residents", _table("residents", [resident]), "p3", "t")
    again = export.export_events(db_session, wh, key=KEY, today=TODAY)
    assert again["contracts"] is not None and again["contracts"].status == "committed"


def test_registrations_are_exported_once_each_as_they_come(
    db_session, wh, wh_directory, village
) -> None:  # type: ignore[no-untyped-def]
    first = _register(db_session, village, wh_directory, P1, "hypertension")
    reports = export.export_events(db_session, wh, key=KEY, today=TODAY)
    assert reports["chronic_cases"] is not None
    assert reports["chronic_cases"].status == "committed", reports["chronic_cases"].rejections
    assert export.export_events(db_session, wh, key=KEY, today=TODAY)["chronic_cases"] is None
    second = _register(db_session, village, wh_directory, P1, "diabetes")
    export.export_events(db_session, wh, key=KEY, today=TODAY)
    stored = wh.read("chronic_cases").to_pylist()
    assert sorted((c["case_id"], c["disease"], c["managed_from"]) for c in stored) == [
        (export.case_id(first.id), "hypertension", D(2024, 3, 1)),
        (export.case_id(second.id), "diabetes", D(2024, 3, 1)),
    ]
    assert len(wh.batches("chronic_cases")) == 2


def test_registrations_of_diseases_the_warehouse_does_not_list_stay_in_the_store(
    db_session, wh, wh_directory, village
) -> None:  # type: ignore[no-untyped-def]
    _register(db_session, village, wh_directory, P1, "tuberculosis")
    assert export.export_events(db_session, wh, key=KEY, today=TODAY)["chronic_cases"] is None


def test_an_exported_registration_counts_in_the_hypertension_management_rate(
    db_session, wh, wh_directory, village
) -> None:  # type: ignore[no-untyped-def]
    from yigai.indicators import catalogue
    from yigai.indicators.engine import compute

    only = catalogue.default().select(["hypertension_management_rate"])

    def managed() -> int | None:
        rows = compute(wh, ["202403"], catalogue=only).to_pylist()
        return next((r["numerator"] for r in rows if r["org_id"] == "V1"), None)

    before = managed()
    _register(db_session, village, wh_directory, P1, "hypertension")
    export.export_events(db_session, wh, key=KEY, today=TODAY)
    assert (before, managed()) == (0, 1)

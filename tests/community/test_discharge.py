"""settle_at_discharge: the desk's service function over the store (SQLite and PostgreSQL),
each discharge seeing the person's earlier ones and the batch's claims, equal to the batch."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy.test_adjudication_vectorised import GROUPS, REGIONS, claim_sets
from policy.test_settle import _enc
from policy.test_settle_referrals import _community_warehouse
from yigai.auth.principal import Principal
from yigai.auth.roles import Role, permissions_of
from yigai.community.discharge import settle_at_discharge
from yigai.errors import Conflict, Forbidden, NotFound
from yigai.policy.adjudication import (
    SPLIT_COLUMNS,
    ClaimInput,
    adjudicate,
    adjudicate_person,
    settling_order,
)
from yigai.policy.claims import CLAIMS
from yigai.policy.discharge import CostLine, DischargeEncounter
from yigai.policy.scheme import SchemeBook
from yigai.policy.settle import settle_claims
from yigai.policy.vectorised import adjudicate_table, table_from_claims
from yigai.store import AuditLog
from yigai.store.models_discharge import DeskSettlement
from yigai.warehouse import Warehouse

D = dt.date
TODAY = D(2024, 12, 31)
TODAY_FAR = D(2026, 1, 1)
DEMO_ROOT = REGIONS["demo"]


def desk_user(
    role: Role = Role.COUNTY_SPECIALIST, units: tuple[str, ...] = ("H1", "T1", "CH")
) -> Principal:
    return Principal("desk1", role, frozenset(units), frozenset(units), permissions_of(role))


def encounter(
    eid: str, inst: str, level: str, day: dt.date, total: int, **kw: object
) -> DischargeEncounter:
    base: dict[str, object] = dict(
        encounter_id=eid,
        person_id="R1",
        institution_id=inst,
        care_type="inpatient",
        level=level,
        in_county=True,
        admission_date=day - dt.timedelta(days=3),
        discharge_date=day,
        cost_lines=(CostLine("诊疗", total),),
        region="hubei_xiaogan",
    )
    base.update(kw)
    return DischargeEncounter(**base)  # type: ignore[arg-type]


YEAR = [
    encounter("e1", "T1", "township", D(2024, 2, 1), 1_000_000),
    encounter(
        "e2",
        "H1",
        "county",
        D(2024, 2, 8),
        2_000_000,
        referred=True,
        referred_from="e1",
        referral_in_community=True,
    ),
    encounter("e3", "CH", "city", D(2024, 4, 1), 30_000_000),
    encounter("e4", "H1", "county", D(2024, 9, 1), 1_000_000),
    encounter("e5", "T1", "township", D(2024, 9, 1), 50_000, care_type="outpatient"),
]


def split(row: object) -> dict[str, int]:
    return {c: getattr(row, c) for c in SPLIT_COLUMNS}


def test_each_discharge_sees_the_earlier_ones_and_equals_the_batch(db_session: Session) -> None:
    """Up-referral top-up, the 2nd admission, the annual cap and critical illness."""
    got = {}
    for e in YEAR:
        got[e.encounter_id] = split(
            settle_at_discharge(db_session, desk_user(), e, warehouse=None, today=TODAY)
        )
        db_session.commit()
    batch = adjudicate_person([e.claim() for e in YEAR], SchemeBook("hubei_xiaogan"))
    assert got == {r.encounter_id: split(r) for r in batch}
    # township 200 → county 400 in the community: tops up 200; the cap binds by e4
    assert got["e2"]["deductible_fen"] == 20_000 and got["e4"]["fund_fen"] == 0


def test_settling_an_encounter_twice_returns_the_same_and_stores_one_row(
    db_session: Session,
) -> None:
    first = split(
        settle_at_discharge(db_session, desk_user(), YEAR[0], warehouse=None, today=TODAY)
    )
    db_session.commit()
    again = split(
        settle_at_discharge(db_session, desk_user(), YEAR[0], warehouse=None, today=TODAY)
    )
    db_session.commit()
    assert again == first
    assert db_session.scalar(select(func.count()).select_from(DeskSettlement)) == 1


def test_other_amounts_for_a_settled_encounter_are_a_conflict(db_session: Session) -> None:
    settle_at_discharge(db_session, desk_user(), YEAR[0], warehouse=None, today=TODAY)
    db_session.commit()
    changed = encounter("e1", "T1", "township", D(2024, 2, 1), 999_999)
    with pytest.raises(Conflict, match="cost_total_fen"):
        settle_at_discharge(db_session, desk_user(), changed, warehouse=None, today=TODAY)


def test_a_role_without_the_permission_is_forbidden(db_session: Session) -> None:
    with pytest.raises(Forbidden):
        settle_at_discharge(
            db_session, desk_user(Role.VILLAGE_DOCTOR), YEAR[0], warehouse=None, today=TODAY
        )


def test_an_institution_outside_the_scope_is_not_found(db_session: Session) -> None:
    with pytest.raises(NotFound):
        settle_at_discharge(
            db_session, desk_user(units=("H1",)), YEAR[0], warehouse=None, today=TODAY
        )
    assert db_session.scalar(select(func.count()).select_from(DeskSettlement)) == 0


def test_the_settlement_is_audited_with_the_person_and_institution(db_session: Session) -> None:
    settle_at_discharge(db_session, desk_user(), YEAR[0], warehouse=None, today=TODAY)
    db_session.commit()
    entry = db_session.scalars(select(AuditLog)).one()
    assert (entry.user, entry.action, entry.object, entry.org_id) == (
        "desk1",
        "write",
        "desk_settlement:e1",
        "T1",
    )
    assert "R1" in (entry.detail or "")


def test_a_discharge_after_today_is_invalid(db_session: Session) -> None:
    from yigai.errors import Invalid

    with pytest.raises(Invalid, match="discharge_date"):
        settle_at_discharge(db_session, desk_user(), YEAR[0], warehouse=None, today=D(2024, 1, 1))


def _warehouse(root: Path, encounters: list[dict]) -> Warehouse:
    referral = {
        "referral_id": "RF1",
        "person_id": "R1",
        "direction": "up",
        "from_institution_id": "T1",
        "to_institution_id": "H1",
        "green_channel": False,
        "by_family_doctor": False,
        "requested_on": D(2024, 3, 9),
        "status": "completed",
    }
    return _community_warehouse(root, encounters, [referral])


def test_the_desk_continues_from_claims_settled_by_the_batch(
    db_session: Session, tmp_path: Path
) -> None:
    """The batch settled a township stay and an up-referral to the county in the community
    (top-up 200); the desk's next county stay is the 2nd admission, as the batch says."""
    settled = [
        _enc("E1", "R1", "T1", "inpatient", D(2024, 3, 1), D(2024, 3, 10), 1_000_000),
        _enc("E2", "R1", "H1", "inpatient", D(2024, 3, 10), D(2024, 3, 20), 2_000_000, "RF1"),
    ]
    wh = _warehouse(tmp_path / "wh", settled)
    claims = settle_claims(wh, 2024, "hubei_xiaogan")
    wh.commit("claims", claims, "settle-test", "settle:hubei_xiaogan:2024")
    assert claims.schema == CLAIMS.arrow_schema()

    new = encounter("E3", "H1", "county", D(2024, 6, 10), 1_500_000)
    got = settle_at_discharge(db_session, desk_user(), new, warehouse=wh, today=TODAY)

    later = _warehouse(
        tmp_path / "wh2",
        [*settled, _enc("E3", "R1", "H1", "inpatient", D(2024, 6, 7), D(2024, 6, 10), 1_500_000)],
    )
    batch = {r["encounter_id"]: r for r in settle_claims(later, 2024, "hubei_xiaogan").to_pylist()}
    assert batch["E2"]["deductible_fen"] == 20_000  # the referral continuity held in the batch
    assert split(got) == {c: batch["E3"][c] for c in SPLIT_COLUMNS}
    assert got.admission_no == 2


def test_an_encounter_the_batch_settled_is_a_conflict_at_the_desk(
    db_session: Session, tmp_path: Path
) -> None:
    wh = _warehouse(
        tmp_path / "wh",
        [_enc("E1", "R1", "T1", "inpatient", D(2024, 3, 1), D(2024, 3, 10), 1_000_000)],
    )
    wh.commit("claims", settle_claims(wh, 2024, "hubei_xiaogan"), "settle-test", "settle")
    again = encounter("E1", "T1", "township", D(2024, 3, 10), 1_000_000)
    with pytest.raises(Conflict, match="E1"):
        settle_at_discharge(db_session, desk_user(), again, warehouse=wh, today=TODAY)


def test_two_discharges_of_one_person_at_once_cannot_both_build_on_the_same_year(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read the person-year before either writes: exactly one is stored, the other is
    refused (409) to be retried, rather than paid on trackers that miss the first."""
    from yigai.community import discharge
    from yigai.store import session_factory

    both_read = threading.Barrier(2, timeout=30)
    real = discharge.settle_next

    def after_both_read(*args: object, **kw: object) -> object:
        both_read.wait()
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(discharge, "settle_next", after_both_read)
    factory = session_factory(db_url)
    outcomes: list[str] = []

    def settle(e: DischargeEncounter) -> None:
        with factory() as db:
            try:
                settle_at_discharge(db, desk_user(), e, warehouse=None, today=TODAY)
                db.commit()
                outcomes.append("stored")
            except Conflict:
                db.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=settle, args=(e,)) for e in (YEAR[0], YEAR[3])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert sorted(outcomes) == ["conflict", "stored"]
        with factory() as db:
            assert db.scalar(select(func.count()).select_from(DeskSettlement)) == 1
    finally:
        factory.kw["bind"].dispose()


_runs = itertools.count()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(claim_sets())
def test_desk_settlements_through_the_store_equal_the_batch(
    db_session: Session, claims: list[ClaimInput]
) -> None:
    """Any generated person-years, settled one discharge at a time through the store (the
    inputs read back from ``desk_settlements``), equal both batch paths to the fen."""
    run = f"r{next(_runs)}-"  # one database serves every example: fresh ids each time
    claims = [
        replace(
            c,
            encounter_id=run + c.encounter_id,
            person_id=run + c.person_id,
            referred_from=None if c.referred_from is None else run + c.referred_from,
        )
        for c in claims
    ]
    got = {}
    persons = sorted({c.person_id for c in claims})
    for c in (c for p in persons for c in settling_order(x for x in claims if x.person_id == p)):
        e = DischargeEncounter(
            encounter_id=c.encounter_id,
            person_id=c.person_id,
            institution_id="H1",
            care_type=c.care_type,
            level=c.level,
            in_county=c.in_county,
            admission_date=c.event_date,
            discharge_date=c.event_date,
            cost_lines=(
                CostLine("范围内", c.cost_total_fen - c.out_of_scope_fen),
                CostLine("范围外", c.out_of_scope_fen, in_scope=False),
            ),
            region="demo",
            referred=c.referred,
            referred_from=c.referred_from,
            referral_in_community=c.referral_in_community,
            groups=c.groups,
        )
        row = settle_at_discharge(
            db_session, desk_user(), e, warehouse=None, today=TODAY_FAR, root=DEMO_ROOT
        )
        db_session.commit()
        got[c.encounter_id] = split(row)
    scalar = adjudicate(claims, SchemeBook("demo", root=DEMO_ROOT))
    assert got == {r.encounter_id: split(r) for r in scalar}
    vector = adjudicate_table(table_from_claims(claims, GROUPS), "demo", root=DEMO_ROOT)
    assert got == {r["encounter_id"]: {c: r[c] for c in SPLIT_COLUMNS} for r in vector.to_pylist()}

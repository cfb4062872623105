"""Signing rates counted over columns (yigai.community.rate_columns) give exactly the numbers of
the resident-by-resident count they replaced, and never a stale one."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from yigai.auth.roles import Role
from yigai.community import contracts as ct
from yigai.community import rate_columns
from yigai.community.directory import Resident, ResidentDirectory
from yigai.records.schemas import POPULATION_GROUPS
from yigai.store.models_community import Contract

from .conftest import P1, P2, TODAY

D = dt.date
HOMES = ("T1", "V1", "T2", "V9")
CODES = [code for code, _, _ in POPULATION_GROUPS] + ["not_a_group"]


def _loop_rates(db, actor, directory, day):  # type: ignore[no-untyped-def]
    """The former signing_rates, one resident at a time: the reference the columns must match."""
    people = directory.residents_in(None if actor.everything else actor.units)
    contracted = {
        c.person_id
        for c in db.query(Contract).filter(Contract.valid_from <= day, Contract.valid_to >= day)
        if c.ended_on is None or c.ended_on >= day
    }
    groups = {
        "general": people,
        "key": [r for r in people if r.key_population(day)],
        "special": [r for r in people if r.groups & ct.SPECIAL_GROUPS],
    }
    out = []
    for group, members in groups.items():
        n = len(members)
        k = sum(r.person_id in contracted for r in members)
        rate = (Decimal(100 * k) / n).quantize(Decimal("0.01"), ROUND_HALF_UP) if n else None
        out.append((group, n, k, rate))
    return out


def _resident(rng: random.Random, i: int, day: dt.date) -> Resident:
    # births clustered on the 65- and 6/7-year boundaries, where a month decides the group
    years_back = rng.choice([0, 1, 5, 6, 7, 8, 30, 64, 65, 66, 90])
    birth = D(day.year - years_back, rng.randint(1, 12), 1)
    groups = frozenset(rng.sample(CODES, rng.choice([0, 0, 0, 1, 2])))
    return Resident(f"p{i:05d}", rng.choice(HOMES), "**00", "F", birth, groups)


def _contract(rng: random.Random, person_id: str, team_id: int, day: dt.date) -> Contract:
    start = day + dt.timedelta(days=rng.randint(-400, 30))
    end = start + dt.timedelta(days=rng.choice([0, 30, 364]))
    ended = rng.choice([None, None, start, day, day - dt.timedelta(days=1), end])
    return Contract(
        person_id=person_id,
        home_unit_id="T1",
        team_id=team_id,
        institution_id="T1",
        package="basic",
        signed_on=start,
        valid_from=start,
        valid_to=end,
        ended_on=ended,
        signed_by="zhen",
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_column_rates_equal_the_resident_by_resident_count(
    db_session, township, principal, seed: int
) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    day = D(2024, rng.randint(1, 12), rng.randint(1, 28))
    residents = [_resident(rng, i, day) for i in range(600)]
    directory = ResidentDirectory(residents, [])
    team = ct.create_team(db_session, township, code="T1-A", name="一队", institution_id="T1")
    ids = [r.person_id for r in residents] + ["not-in-the-directory"]
    for person_id in rng.choices(ids, k=500):  # some twice: renewals, overlaps
        db_session.add(_contract(rng, person_id, team.id, day))
    db_session.flush()
    bureau = principal("ju", Role.HEALTH_BUREAU, "*")
    for actor in (township, bureau):
        got = [
            (r.group, r.population, r.contracted, r.rate)
            for r in ct.signing_rates(db_session, actor, directory, day=day)
        ]
        assert got == _loop_rates(db_session, actor, directory, day)
        assert got[0][2] > 0  # contracts were counted, not only populations


def test_key_population_columns_follow_the_resident_rule_at_every_boundary() -> None:
    births = [D(y, m, 1) for y in range(1950, 2025) for m in (1, 2, 6, 11, 12)]
    residents = [Resident(f"p{i}", "V1", "**", "M", b) for i, b in enumerate(births)]
    cols = rate_columns.build(ResidentDirectory(residents, []))
    for day in (D(2024, 1, 1), D(2024, 6, 1), D(2024, 6, 30), D(2024, 12, 31)):
        assert cols.key_population(day).tolist() == [r.key_population(day) for r in residents]


def test_a_contract_signed_after_a_count_is_in_the_next_count(
    db_session, township, directory
) -> None:  # type: ignore[no-untyped-def]
    def contracted() -> int:
        return ct.signing_rates(db_session, township, directory, day=TODAY)[0].contracted

    team = ct.create_team(db_session, township, code="T1-A", name="一队", institution_id="T1")
    assert contracted() == 0
    ct.sign_contract(db_session, township, directory, person_id=P1, team_id=team.id, today=TODAY)
    assert contracted() == 1
    ct.sign_contract(db_session, township, directory, person_id=P2, team_id=team.id, today=TODAY)
    assert contracted() == 2


def test_a_contract_ended_the_day_before_is_not_counted_one_ended_that_day_is(
    db_session, township, directory
) -> None:  # type: ignore[no-untyped-def]
    team = ct.create_team(db_session, township, code="T1-A", name="一队", institution_id="T1")
    for person_id, ended in ((P1, TODAY), (P2, TODAY - dt.timedelta(days=1))):
        c = ct.sign_contract(
            db_session,
            township,
            directory,
            person_id=person_id,
            team_id=team.id,
            today=D(2024, 1, 1),
        )
        c.ended_on = ended
    db_session.flush()
    general = ct.signing_rates(db_session, township, directory, day=TODAY)[0]
    assert (general.population, general.contracted, general.rate) == (2, 1, Decimal("50.00"))

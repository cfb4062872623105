"""Fixtures of the community service tests: a small county as a directory, principals of each
role with their real permissions (yigai/auth/data/roles.yaml), and fixed instants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from yigai.auth.principal import Principal
from yigai.auth.roles import Role, permissions_of
from yigai.community import referrals as rf
from yigai.community.directory import Institution, Resident, ResidentDirectory

D = dt.date
#: 2024-03-01 10:00 in China.
NOW = dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.UTC)
TODAY = D(2024, 3, 1)

P1 = "a" * 32  # village V1, hypertension
P2 = "b" * 32  # township T1, special family
P3 = "c" * 32  # township T2 of the other community


@pytest.fixture
def directory() -> ResidentDirectory:
    residents = [
        Resident(P1, "V1", "**12", "F", D(1950, 5, 1), frozenset({"hypertension"})),
        Resident(P2, "T1", "**34", "M", D(1985, 1, 1), frozenset({"special_family"})),
        Resident(P3, "T2", "**56", "M", D(1990, 1, 1)),
    ]
    institutions = [
        Institution("H1", "county", "M1", lead=True),
        Institution("T1", "township", "M1"),
        Institution("V1", "village", "M1"),
        Institution("H2", "county", "M2", lead=True),
        Institution("T2", "township", "M2"),
    ]
    return ResidentDirectory(residents, institutions)


def up_referral(db, actor, directory, person=P1, origin="V1", **fields):  # type: ignore[no-untyped-def]
    """``actor`` refers ``person`` up from ``origin`` at ``NOW``, the form filled in (``fields``
    replace any of its answers, or add ``urgent`` / ``now``)."""
    form = {"reason": "血压控制不佳", "summary": "三次随访血压均高于目标"}
    return _refer(db, actor, directory, "up", person, origin, form | fields)


def down_referral(db, actor, directory, person=P1, origin="H1", **fields):  # type: ignore[no-untyped-def]
    """``actor`` refers ``person`` down from ``origin`` with a follow-up plan, as
    :func:`up_referral` does up."""
    form = {"reason": "病情稳定", "summary": "出院", "followup_plan": "两周内测血压"}
    return _refer(db, actor, directory, "down", person, origin, form | fields)


def _refer(db, actor, directory, direction, person, origin, fields):  # type: ignore[no-untyped-def]
    return rf.request_referral(
        db,
        actor,
        directory,
        person_id=person,
        direction=direction,
        from_institution_id=origin,
        **({"diagnosis_code": "i10", "now": NOW} | fields),
    )


MakePrincipal = Callable[..., Principal]


@pytest.fixture
def principal() -> MakePrincipal:
    def make(username: str, role: Role | str, *units: str) -> Principal:
        return Principal(
            username=username,
            role=Role(role),
            roots=frozenset(units),
            units=frozenset(units),
            permissions=permissions_of(role),
        )

    return make


@pytest.fixture
def village(principal: MakePrincipal) -> Principal:
    return principal("cun", Role.VILLAGE_DOCTOR, "V1")


@pytest.fixture
def township(principal: MakePrincipal) -> Principal:
    return principal("zhen", Role.TOWNSHIP_DOCTOR, "T1", "V1")


@pytest.fixture
def specialist(principal: MakePrincipal) -> Principal:
    """A specialist of the lead hospital H1, whose scope is its community M1."""
    return principal("zhuanke", Role.COUNTY_SPECIALIST, "M1", "H1", "T1", "V1")

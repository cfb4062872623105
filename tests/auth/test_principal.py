"""A principal's units come from the warehouse scope model; refusals are 403 and 404."""

from __future__ import annotations

import pytest

from yigai.auth import OrgTree, Principal, Role, permissions_of
from yigai.errors import Forbidden, NotFound


def _principal(orgs: OrgTree, role: Role, *roots: str) -> Principal:
    r = frozenset(roots)
    return Principal("u1", role, r, orgs.units(r), permissions_of(role))


def test_a_community_grant_covers_its_member_institutions(orgs: OrgTree) -> None:
    assert orgs.units(frozenset({"440101Y1"})) == {
        "440101Y1",
        "440101G001",
        "440101W001",
        "440101C001",
        "440101C002",
    }


def test_a_county_grant_covers_the_county_and_not_the_next(orgs: OrgTree) -> None:
    units = orgs.units(frozenset({"440101"}))
    assert "440101C002" in units
    assert "440102C001" not in units


def test_a_village_doctor_sees_their_clinic_only(orgs: OrgTree) -> None:
    me = _principal(orgs, Role.VILLAGE_DOCTOR, "440101C001")
    me.require_unit("440101C001")
    with pytest.raises(NotFound):
        me.require_unit("440101C002")


def test_out_of_scope_and_missing_units_get_the_same_answer(orgs: OrgTree) -> None:
    me = _principal(orgs, Role.VILLAGE_DOCTOR, "440101C001")
    with pytest.raises(NotFound) as outside:
        me.require_unit("440101C002")
    with pytest.raises(NotFound) as missing:
        me.require_unit("no-such-unit")
    assert (outside.value.zh, outside.value.en) == (missing.value.zh, missing.value.en)


def test_a_permission_the_role_lacks_is_forbidden(orgs: OrgTree) -> None:
    me = _principal(orgs, Role.HEALTH_BUREAU, "440101")
    with pytest.raises(Forbidden, match=r"residents\.read"):
        me.require("residents.read")


def test_the_administrator_grant_covers_every_unit(orgs: OrgTree) -> None:
    admin = _principal(orgs, Role.ADMIN, "*")
    admin.require_unit("440102C001")
    assert admin.everything

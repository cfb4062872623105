"""Roles and their permissions come from the roles file, checked when read."""

from __future__ import annotations

from pathlib import Path

import pytest

from yigai.auth.roles import PERMISSIONS, ROLE_ZH, Role, RolesFileError, _table, permissions_of


def test_every_role_has_a_chinese_name_and_a_permission_list() -> None:
    assert set(ROLE_ZH) == set(Role)
    assert len(Role) == 10
    assert all(permissions_of(role) <= PERMISSIONS for role in Role)


def test_only_auditor_and_admin_read_the_audit_trail() -> None:
    assert {r for r in Role if "audit.read" in permissions_of(r)} == {Role.AUDITOR, Role.ADMIN}


def test_bureaus_see_aggregates_not_resident_records() -> None:
    for role in (Role.HEALTH_BUREAU, Role.INSURANCE_BUREAU, Role.REFORM_OFFICE):
        assert "rates.read" in permissions_of(role)
        assert "residents.read" not in permissions_of(role)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "roles.yaml"
    lines = [f"  {r.value}:\n    permissions: [org_units.read]" for r in Role]
    path.write_text("roles:\n" + "\n".join(lines) + "\n" + body, encoding="utf-8")
    return path


def test_an_unknown_permission_in_the_roles_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text("roles:\n  auditor:\n    permissions: [launch.rockets]\n", encoding="utf-8")
    with pytest.raises(RolesFileError, match=r"launch\.rockets"):
        _table(path)


def test_an_unknown_role_in_the_roles_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RolesFileError, match="janitor"):
        _table(_write(tmp_path, "  janitor:\n    permissions: []\n"))


def test_a_role_missing_from_the_roles_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text("roles:\n  auditor:\n    permissions: [audit.read]\n", encoding="utf-8")
    with pytest.raises(RolesFileError, match="admin"):
        _table(path)

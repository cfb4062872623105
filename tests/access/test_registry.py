"""The grant list (issue 13, item 4): it cannot be reset by deleting it, every change is in
the audit trail, and user names are plain names."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from yigai import access
from yigai.access.registry import ACCESS_DIR, USERS_FILE, check_user
from yigai.warehouse import Warehouse, audit
from yigai.warehouse.commands import app


def test_a_missing_grant_list_in_a_warehouse_with_data_is_an_error(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    (two_counties.root / ACCESS_DIR / USERS_FILE).unlink()
    monkeypatch.setenv("YIGAI_USER", "intruder")
    with pytest.raises(access.AccessError, match="缺失"):
        Warehouse(two_counties.root)
    assert not (two_counties.root / ACCESS_DIR / USERS_FILE).exists()


def test_a_new_warehouse_makes_its_creator_administrator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_USER", "creator")
    wh = Warehouse(tmp_path / "wh")
    assert access.grants(wh.root)["creator"].orgs == (access.ALL,)
    (entry,) = audit.entries(wh.root)
    assert (entry["action"], entry["user"], entry["subject"], entry["orgs"]) == (
        "grant",
        "creator",
        "creator",
        ["*"],
    )


def test_grants_and_revokes_are_in_the_audit_trail(two_counties: Warehouse) -> None:
    before = len(audit.entries(two_counties.root))
    access.grant(two_counties.root, "county2", ["C2"])
    access.revoke(two_counties.root, "county2")
    new = audit.entries(two_counties.root)[before:]
    assert [(e["action"], e["user"], e["subject"], e["orgs"]) for e in new] == [
        ("grant", "admin", "county2", ["C2"]),
        ("revoke", "admin", "county2", ["C2"]),
    ]


@pytest.mark.parametrize(
    "name",
    ["", "*", "a b", "bell\x07", "tab\tname", "<b>", "[red]x[/red]", 'q"uote', "it's", "x" * 65],
)
def test_a_grant_to_an_invalid_user_name_is_refused(two_counties: Warehouse, name: str) -> None:
    with pytest.raises(access.AccessError, match="user name"):
        access.grant(two_counties.root, name, ["C1"])
    assert name not in access.grants(two_counties.root)


@pytest.mark.parametrize("name", ["县卫健局-王", "li.si@c1", "user_01", "x" * 64])
def test_plain_user_names_are_accepted(name: str) -> None:
    assert check_user(name) == name


def test_an_invalid_current_user_name_is_refused(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_USER", "[bold]admin")
    with pytest.raises(access.AccessError, match="user name"):
        two_counties.read("residents")


def test_the_users_command_says_the_list_is_missing_and_exits_1(
    two_counties: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = two_counties.root.parent / "home"
    home.mkdir()
    two_counties.root.rename(home / "warehouse")
    monkeypatch.setenv("YIGAI_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")
    (home / "warehouse" / ACCESS_DIR / USERS_FILE).unlink()
    result = CliRunner().invoke(app, ["users"])
    assert result.exit_code == 1
    assert "缺失" in result.output and "missing" in result.output

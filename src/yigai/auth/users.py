"""用户 (users) of the service: created with a checked name, a role, a password and granted
org units. The user-name rule is the warehouse access list's (:func:`check_user`); the org
units must exist in the org tree (or be ``*``, every unit)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yigai.access.registry import check_user
from yigai.auth.orgs import ALL, OrgTree
from yigai.auth.passwords import hash_password
from yigai.auth.roles import Role
from yigai.errors import Conflict, Invalid
from yigai.store import User, UserRoot, audit
from yigai.warehouse.errors import WarehouseError


def valid_username(username: str) -> str:
    try:
        return check_user(username)
    except WarehouseError as exc:
        raise Invalid(exc.zh, exc.en) from None


def valid_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise Invalid(
            f"未知角色 {role!r}（可选：{known}）", f"unknown role {role!r} ({known})"
        ) from None


def create_user(
    db: Session,
    username: str,
    role: str,
    password: str,
    roots: list[str],
    *,
    orgs: OrgTree,
    created_by: str,
) -> User:
    """Add a user; :class:`Invalid` for a bad name, role, password or unit, :class:`Conflict`
    if the name is taken. The creation is audited in the same session."""
    name, checked_role = valid_username(username), valid_role(role)
    if not roots:
        raise Invalid("至少授权一个机构", "grant at least one org unit")
    unknown = sorted(r for r in set(roots) if r != ALL and r not in orgs.info)
    if unknown:
        raise Invalid(f"未知机构编码：{unknown}", f"unknown org unit ids: {unknown}")
    if db.scalar(select(User.id).where(User.username == name)) is not None:
        raise Conflict(f"用户名 {name} 已存在", f"user name {name} is taken")
    user = User(
        username=name,
        role=checked_role.value,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
        created_by=created_by,
        roots=[UserRoot(org_id=r) for r in sorted(set(roots))],
    )
    db.add(user)
    db.flush()
    audit(
        db,
        created_by,
        "write",
        f"user:{name}",
        detail=f"create role={checked_role.value} roots={','.join(sorted(set(roots)))}",
    )
    return user

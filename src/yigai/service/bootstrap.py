"""``yigai serve``'s start-up: the county, the schema and the first users.

A warehouse keyed with the demo key (:data:`yigai.settings.DEMO_KEY`) is a demo: the
synthetic county of ``yigai demo`` is generated into it if it is empty, and one demo user per
role is created with a known password (printed at start). Any other warehouse gets no demo
users: when it has no user at all, one administrator ``admin`` is created with a random
password, printed once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yigai.auth.orgs import ALL, OrgTree
from yigai.auth.roles import Role
from yigai.auth.users import create_user
from yigai.settings import DEMO_KEY, Settings
from yigai.store import User

#: Where each role's demo user is granted: (kind, institution type) of the first such unit.
DEMO_UNIT: dict[Role, tuple[str, str | None]] = {
    Role.VILLAGE_DOCTOR: ("institution", "village_clinic"),
    Role.TOWNSHIP_DOCTOR: ("institution", "township_centre"),
    Role.FAMILY_DOCTOR_TEAM: ("institution", "township_centre"),
    Role.COUNTY_SPECIALIST: ("institution", "county_general"),
    Role.COMMUNITY_MANAGER: ("community", None),
    Role.HEALTH_BUREAU: ("county", None),
    Role.INSURANCE_BUREAU: ("county", None),
    Role.REFORM_OFFICE: ("county", None),
    Role.AUDITOR: ("county", None),
}
CREATED_BY = "yigai serve"


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: Role
    roots: tuple[str, ...]


def is_demo(settings: Settings) -> bool:
    return settings.pseudonym_key == DEMO_KEY.encode()


def demo_password(role: Role) -> str:
    """The known password of a demo user (demo warehouses only)."""
    return f"demo-{role.value.replace('_', '-')}"


def demo_roots(role: Role, orgs: OrgTree) -> list[str]:
    if role is Role.ADMIN:
        return [ALL]
    kind, inst_type = DEMO_UNIT[role]
    unit = orgs.first(kind, inst_type)
    return [unit] if unit else []


def ensure_demo_users(db: Session, orgs: OrgTree) -> list[Login]:
    """One user per role named after the role (``village_doctor`` …), created if missing."""
    logins = []
    for role in Role:
        roots = demo_roots(role, orgs)
        if not roots:
            continue  # the county has no such unit: no user rather than a wrong grant
        existing = db.scalar(select(User).where(User.username == role.value))
        if existing is None:
            create_user(
                db,
                role.value,
                role.value,
                demo_password(role),
                roots,
                orgs=orgs,
                created_by=CREATED_BY,
            )
        else:
            roots = [r.org_id for r in existing.roots]
        logins.append(Login(role.value, demo_password(role), role, tuple(roots)))
    return logins


def ensure_first_admin(db: Session, orgs: OrgTree) -> list[Login]:
    """An administrator with a random password when the database has no user at all."""
    if db.scalar(select(func.count()).select_from(User)):
        return []
    password = secrets.token_urlsafe(12)
    create_user(db, "admin", Role.ADMIN.value, password, [ALL], orgs=orgs, created_by=CREATED_BY)
    return [Login("admin", password, Role.ADMIN, (ALL,))]

"""当前用户 (the principal): who is acting, in which role, over which org units.

Every library function of the service takes a :class:`Principal` and checks it: a permission
the role lacks is :class:`~yigai.errors.Forbidden` (403); an org unit outside the user's
scope is :class:`~yigai.errors.NotFound` (404), exactly as for a unit that does not exist, so
a refusal never reveals that a record exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from yigai.auth.roles import Role
from yigai.errors import Forbidden, NotFound

#: The root granting every org unit, as in the warehouse's access list.
ALL = "*"


@dataclass(frozen=True)
class Principal:
    """A logged-in user: ``roots`` as granted (``*``: all), ``units`` every unit under them."""

    username: str
    role: Role
    roots: frozenset[str]
    units: frozenset[str]
    permissions: frozenset[str]

    @property
    def everything(self) -> bool:
        return ALL in self.roots

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        """Refuse (403) unless the role holds ``permission``."""
        if permission not in self.permissions:
            raise Forbidden(
                f"角色“{self.role.zh}”无权执行此操作（需要权限 {permission}）",
                f"role {self.role.value} may not do this (needs permission {permission})",
            )

    def in_scope(self, org_id: str | None) -> bool:
        return org_id is not None and (self.everything or org_id in self.units)

    def require_unit(self, org_id: str | None, what: str = "记录 / record") -> None:
        """Refuse (404, as if it did not exist) unless ``org_id`` is within scope."""
        if not self.in_scope(org_id):
            raise not_found(what)

    def describe_scope(self) -> str:
        """The scope as written in audit entries: the granted roots (``*``: all)."""
        return ",".join(sorted(self.roots))


def not_found(what: str = "记录 / record") -> NotFound:
    """The one answer for a record that is missing or outside the caller's scope."""
    zh, _, en = what.partition(" / ")
    return NotFound(f"{zh}不存在或不在您的管辖范围内", f"{en or zh} not found")

"""yigai.auth — log-in, roles and scope of the community service (登录、角色与管辖范围).

    from yigai.auth import Principal, Role, login, principal_for
    logged = login(db, "wang", "口令…", now)        # Unauthorized if wrong or locked
    me = principal_for(db, logged.token, now, orgs)  # Principal with role, roots, units
    me.require("referrals.create")                   # Forbidden (403) if the role lacks it
    me.require_unit("440101C001")                    # NotFound (404) if outside the scope

Passwords are Argon2 hashes (:mod:`yigai.auth.passwords`); sessions are opaque tokens stored
as SHA-256 (:mod:`yigai.auth.sessions`); role → permissions is data (``data/roles.yaml``);
units come from :func:`yigai.access.scope.units_in_scope`, the warehouse grants' model.
"""

from yigai.auth.orgs import OrgTree
from yigai.auth.principal import ALL, Principal, not_found
from yigai.auth.roles import PERMISSIONS, ROLE_ZH, Role, permissions_of
from yigai.auth.sessions import LoggedIn, login, logout, principal_for, principal_of
from yigai.auth.users import create_user

__all__ = [
    "ALL",
    "PERMISSIONS",
    "ROLE_ZH",
    "LoggedIn",
    "OrgTree",
    "Principal",
    "Role",
    "create_user",
    "login",
    "logout",
    "not_found",
    "permissions_of",
    "principal_for",
    "principal_of",
]

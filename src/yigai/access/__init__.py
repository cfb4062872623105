"""访问范围 (access scope): whose personal records a user may read.

A user is granted one or more org units (机构); the grant covers each unit's whole subtree in
the org hierarchy and, for a community (医共体), its member institutions. A row of a record set
with personal columns is in a user's scope when any of its org references (the resident's home
unit, the encounter's institution, either end of a referral …) lies in the granted units.
``*`` grants everything (the warehouse administrator, 管理员).

The grants live beside the warehouse in ``_access/users.yaml``, like the audit trail, because
the warehouse is read by processes that hold no database session. Whoever creates a warehouse
becomes its administrator; only an administrator grants or revokes.
"""

from yigai.access.registry import (
    ALL,
    AccessError,
    Grant,
    grant,
    grants,
    require_all,
    revoke,
    scope_of,
)
from yigai.access.scope import Scope, org_columns, units_in_scope

__all__ = [
    "ALL",
    "AccessError",
    "Grant",
    "Scope",
    "grant",
    "grants",
    "org_columns",
    "require_all",
    "revoke",
    "scope_of",
    "units_in_scope",
]

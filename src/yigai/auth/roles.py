"""角色 (roles) of the community service, and what each may do (data, not code).

The ten roles of issue 16, with their Chinese names. Which permissions a role holds is read
from ``data/roles.yaml``, so a county can change the table without changing code; a role the
file does not list, or a permission the code does not know, is refused when the file is read.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from yigai.params import UniqueKeyLoader, read_yaml

ROLES_FILE = Path(__file__).parent / "data" / "roles.yaml"


class Role(StrEnum):
    VILLAGE_DOCTOR = "village_doctor"
    TOWNSHIP_DOCTOR = "township_doctor"
    FAMILY_DOCTOR_TEAM = "family_doctor_team"
    COUNTY_SPECIALIST = "county_specialist"
    COMMUNITY_MANAGER = "community_manager"
    HEALTH_BUREAU = "health_bureau"
    INSURANCE_BUREAU = "insurance_bureau"
    REFORM_OFFICE = "reform_office"
    AUDITOR = "auditor"
    ADMIN = "admin"

    @property
    def zh(self) -> str:
        return ROLE_ZH[self]


ROLE_ZH: dict[Role, str] = {
    Role.VILLAGE_DOCTOR: "乡村医生",
    Role.TOWNSHIP_DOCTOR: "乡镇卫生院医生",
    Role.FAMILY_DOCTOR_TEAM: "家庭医生团队成员",
    Role.COUNTY_SPECIALIST: "县级医院专科医生",
    Role.COMMUNITY_MANAGER: "医共体管理人员",
    Role.HEALTH_BUREAU: "县卫生健康局",
    Role.INSURANCE_BUREAU: "县医疗保障局",
    Role.REFORM_OFFICE: "县医改办",
    Role.AUDITOR: "审计员",
    Role.ADMIN: "系统管理员",
}

#: Every permission the code checks; the roles file may grant only these.
PERMISSIONS: frozenset[str] = frozenset(
    {
        "org_units.read",  # the org tree within scope
        "residents.read",  # resident records within scope (masked)
        "audit.read",  # the audit trail
        "users.manage",  # create users and grant their units
        "referrals.read",
        "referrals.create",  # request an up- or down-referral
        "referrals.receive",  # accept / reject / arrive / complete at the receiving unit
        "slots.read",  # 号源 of the lead hospital
        "slots.manage",
        "contracts.read",  # family-doctor teams and contracts
        "contracts.write",
        "chronic.read",  # chronic registrations and follow-ups
        "chronic.write",
        "worklists.read",
        "rates.read",  # signing rates and other aggregates (no personal rows)
        "indicators.read",  # the indicator dashboards: values, targets, counts (aggregates)
        "assessment.read",  # assessment scores, ranks and item-by-item explanations
        "tasks.read",  # the reform-task ledger and its overdue tasks
        "settlement.discharge",  # 即时结算 at discharge
        "statements.read",  # stored settlement statements (结算单) of units within scope
    }
)


class RolesFileError(ValueError):
    """The roles file breaks its rules (unknown role or permission, missing role)."""


@cache
def permissions_of(role: Role | str, path: Path = ROLES_FILE) -> frozenset[str]:
    """The permissions the roles file grants ``role``."""
    return _table(path)[Role(role)]


@cache
def _table(path: Path) -> dict[Role, frozenset[str]]:
    data = read_yaml(path, UniqueKeyLoader) or {}
    roles = data.get("roles") if isinstance(data, dict) else None
    if not isinstance(roles, dict):
        raise RolesFileError(f"角色文件 {path} 缺少 roles 映射 / {path} has no roles mapping")
    table: dict[Role, frozenset[str]] = {}
    for name, entry in roles.items():
        if name not in Role.__members__.values():
            raise RolesFileError(f"角色文件 {path}：未知角色 {name!r} / unknown role {name!r}")
        granted = frozenset((entry or {}).get("permissions") or ())
        unknown = sorted(granted - PERMISSIONS)
        if unknown:
            raise RolesFileError(
                f"角色文件 {path} 角色 {name}：未知权限 {unknown} / "
                f"role {name}: unknown permissions {unknown}"
            )
        table[Role(name)] = granted
    missing = sorted(set(Role) - set(table))
    if missing:
        raise RolesFileError(f"角色文件 {path} 缺少角色 {missing} / roles missing: {missing}")
    return table

"""Org units (组织机构): province → city → county → community (医共体) → institution."""

from yigai.orgs.model import InstitutionType, OrgKind, Ownership, PolicyLevel

__all__ = ["InstitutionType", "OrgKind", "Ownership", "PolicyLevel"]

"""GET /api/residents and GET /api/residents/{person_id}: residents within scope, masked.

Names and identity numbers are never stored (only the pseudonym ``person_id`` and the masked
identity number), so there is nothing to unmask. Every answer carrying residents is audited
in the request's session with the user, the residents' pseudonyms and the user's scope.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from yigai.auth.principal import Principal
from yigai.community.directory import Resident
from yigai.service.deps import Ctx, Db, Me
from yigai.service.fields import PersonIdPath, UnitQuery
from yigai.service.paging import Paging, page_of
from yigai.store import audit

router = APIRouter(prefix="/api", tags=["residents"])


def resident_json(r: Resident) -> dict[str, Any]:
    return {
        "person_id": r.person_id,
        "id_masked": r.id_masked,
        "sex": r.sex,
        "birth_ym": r.birth_ym.isoformat()[:7],
        "home_unit_id": r.home_unit_id,
        "groups": sorted(r.groups),
    }


def audit_resident_read(db: Session, me: Principal, found: Resident, via: str = "") -> None:
    """Audit ``me`` reading one resident (``via``: where, appended to the detail)."""
    audit(
        db,
        me.username,
        "read",
        f"resident:{found.person_id}",
        org_id=found.home_unit_id,
        detail=f"scope={me.describe_scope()} person_id={found.person_id}{via}",
    )


@router.get("/residents", summary="管辖范围内的居民（脱敏）/ residents within scope, masked")
def list_residents(
    me: Me,
    ctx: Ctx,
    db: Db,
    paging: Paging,
    unit: UnitQuery = None,
) -> dict[str, Any]:
    me.require("residents.read")
    if unit is not None:
        me.require_unit(unit, "机构 / org unit")
    units = None if me.everything and unit is None else ({unit} if unit else set(me.units))
    found = sorted(ctx.directory.residents_in(units), key=lambda r: r.person_id)
    page = page_of([resident_json(r) for r in found], paging)
    if page["items"]:
        ids = ",".join(item["person_id"] for item in page["items"])
        audit(
            db,
            me.username,
            "read",
            "residents",
            org_id=unit,
            detail=f"scope={me.describe_scope()} person_ids={ids}",
        )
    return page


@router.get("/residents/{person_id}", summary="一位居民（脱敏）/ one resident, masked")
def get_resident(person_id: PersonIdPath, me: Me, ctx: Ctx, db: Db) -> dict[str, Any]:
    me.require("residents.read")
    found = ctx.directory.resident(me, person_id)
    audit_resident_read(db, me, found)
    return resident_json(found)

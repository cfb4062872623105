"""GET /api/org-units: the org tree within the user's scope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from yigai.auth.orgs import OrgTree
from yigai.auth.principal import Principal
from yigai.service.deps import Ctx, Me

router = APIRouter(prefix="/api", tags=["org units"])


def tree(orgs: OrgTree, me: Principal) -> list[dict[str, Any]]:
    """Nested nodes from the user's roots (all top units for ``*``); an institution appears
    once, under its geographic parent or, for a community's grant, under the community."""
    info = orgs.info
    children = orgs.children()
    if me.everything:
        roots = sorted(u for u, i in info.items() if i.parent_id is None or i.parent_id not in info)
    else:
        roots = sorted(r for r in me.roots if r in info)
    seen: set[str] = set()

    def node(org_id: str) -> dict[str, Any]:
        seen.add(org_id)
        unit = info[org_id]
        kids = [c for c in children.get(org_id, []) if c in info and c not in seen]
        seen.update(kids)
        return {
            "org_id": unit.org_id,
            "name": unit.name,
            "kind": unit.kind,
            "inst_type": unit.inst_type,
            "children": [node(c) for c in kids],
        }

    return [node(r) for r in roots if r not in seen]


@router.get("/org-units", summary="管辖范围内的机构树 / the org tree within scope")
def org_units(me: Me, ctx: Ctx) -> dict[str, Any]:
    me.require("org_units.read")
    return {"roots": sorted(me.roots), "tree": tree(ctx.orgs, me)}

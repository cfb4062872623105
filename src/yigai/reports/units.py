"""Units compared in a report (比较单位): the region's units of the chosen kinds, found through
the geographic parent chain; the default depends on the region's own kind.
"""

from __future__ import annotations

from collections.abc import Iterable

from yigai.orgs.hierarchy import OrgInfo
from yigai.orgs.model import InstitutionType, OrgKind
from yigai.reports.model import (
    OrgUnit,
    ReportDataError,
)


class AssembleError(ReportDataError):
    """The report cannot be assembled as asked; the message is Chinese first, then English."""


#: Default units compared in a county's report: its communities, township health centres and
#: community health centres (the units a county bulletin ranks).
DEFAULT_COMPARE: tuple[str, ...] = ("community", "township_centre", "community_centre")

#: What a region's report compares by default, by the region's kind: a city ranks its
#: counties, a province its cities and counties (issue 14 §3), a county its communities and
#: primary institutions.
COMPARE_BY_KIND: dict[str, tuple[str, ...]] = {
    OrgKind.COUNTY.value: DEFAULT_COMPARE,
    OrgKind.CITY.value: (OrgKind.COUNTY.value,),
    OrgKind.PROVINCE.value: (OrgKind.CITY.value, OrgKind.COUNTY.value),
}


def default_compare(region: OrgInfo) -> tuple[str, ...]:
    """The unit kinds a report on ``region`` compares when the caller names none."""
    return COMPARE_BY_KIND.get(str(region.kind), DEFAULT_COMPARE)


def _within(org_id: str, region_id: str, info: dict[str, OrgInfo]) -> bool:
    seen: set[str] = set()
    current: str | None = info[org_id].parent_id if org_id in info else None
    while current is not None and current not in seen:
        if current == region_id:
            return True
        seen.add(current)
        current = info[current].parent_id if current in info else None
    return False


def compare_units(
    info: dict[str, OrgInfo], region_id: str, compare: Iterable[str] = DEFAULT_COMPARE
) -> list[OrgInfo]:
    """The region's units of the chosen kinds/institution types, communities first, then by id."""
    wanted = set(compare)
    kinds = {k.value for k in OrgKind}
    unknown = sorted(w for w in wanted if w not in kinds and not _is_inst_type(w))
    if unknown:
        raise AssembleError(
            f"未知的单位类别：{unknown} / unknown unit kinds or institution types: {unknown}"
        )
    picked = [
        u
        for u in info.values()
        if (u.kind in wanted or (u.inst_type is not None and u.inst_type in wanted))
        and _within(u.org_id, region_id, info)
    ]
    order = {k: n for n, k in enumerate(compare)}
    return sorted(
        picked, key=lambda u: (order.get(u.kind, order.get(u.inst_type or "", 99)), u.org_id)
    )


def _is_inst_type(name: str) -> bool:
    return name in {t.value for t in InstitutionType}


def org_unit(u: OrgInfo) -> OrgUnit:
    return OrgUnit(u.org_id, u.name, OrgKind(u.kind))

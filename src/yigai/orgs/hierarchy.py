"""Org hierarchy closure (机构层级闭包表): who rolls up into whom, on which dates.

Geography is undated: an institution's ``parent_id`` is its county (or its city, for city
hospitals), a county's parent is its city, a city's its province. Community membership
(医共体成员单位) is dated, so on any day an institution's roll-up path is

    institution → its community on that day (if any) → county → city → province

and an institution outside every community rolls up straight to its geographic parent.

The closure has one row per (descendant, ancestor, interval) including the unit itself at
depth 0, so a roll-up is a single equality-plus-date join. Intervals are **inclusive on both
ends**. A membership row's ``valid_to`` is the day the institution *left* (退出日期), so the
link's last day is the day before: an institution that leaves community A and joins B on
the same date is in B, and only B, from that date. Undated links run 1900-01-01 … 9999-12-31.
``depth`` is the number of steps on the path that day: a county is depth 2 above an
institution while it belongs to a community and depth 1 while it does not.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa

from yigai.orgs.model import OrgKind

BEGINNING = dt.date(1900, 1, 1)
END_OF_TIME = dt.date(9999, 12, 31)

CLOSURE_SCHEMA = pa.schema(
    [
        pa.field("descendant_id", pa.string(), nullable=False),
        pa.field("ancestor_id", pa.string(), nullable=False),
        pa.field("ancestor_kind", pa.string(), nullable=False),
        pa.field("depth", pa.int32(), nullable=False),
        pa.field("valid_from", pa.date32(), nullable=False),
        pa.field("valid_to", pa.date32(), nullable=False),
    ]
)


class HierarchyError(ValueError):
    """An org tree that cannot be rolled up (cycle, unknown parent, overlapping membership)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class OrgInfo:
    """Name and kind of one org unit, for labels (名称与层级)."""

    org_id: str
    name: str
    kind: str
    inst_type: str | None
    parent_id: str | None


def org_info(org_units: pa.Table) -> dict[str, OrgInfo]:
    """Every org unit by id: name, kind, institution type and parent."""
    rows = org_units.select(["org_id", "name", "kind", "inst_type", "parent_id"]).to_pylist()
    return {
        r["org_id"]: OrgInfo(r["org_id"], r["name"], r["kind"], r["inst_type"], r["parent_id"])
        for r in rows
    }


def names(org_units: pa.Table) -> dict[str, str]:
    """名称: org id → name."""
    return {k: v.name for k, v in org_info(org_units).items()}


def kinds(org_units: pa.Table) -> dict[str, str]:
    """层级: org id → kind (province | city | county | community | institution)."""
    return {k: v.kind for k, v in org_info(org_units).items()}


def _geographic_chain(org_id: str, info: Mapping[str, OrgInfo]) -> list[str]:
    """Ancestors by ``parent_id`` only, nearest first (excluding the unit itself)."""
    chain: list[str] = []
    seen = {org_id}
    parent = info[org_id].parent_id
    while parent:
        if parent not in info:
            raise HierarchyError(
                f"机构 {org_id} 的上级 {parent} 不在组织机构表中",
                f"org unit {org_id}: parent {parent} is not in org_units",
            )
        if parent in seen:
            raise HierarchyError(
                f"机构 {org_id} 的上级关系存在循环", f"org unit {org_id}: parent_id forms a cycle"
            )
        seen.add(parent)
        chain.append(parent)
        parent = info[parent].parent_id
    return chain


def county_of(org_units: pa.Table) -> dict[str, str | None]:
    """县: org id → its county (the nearest geographic ancestor of kind county, or itself).

    City and province hospitals, cities and provinces have no county (None).
    """
    info = org_info(org_units)
    out: dict[str, str | None] = {}
    for org_id, unit in info.items():
        if unit.kind == OrgKind.COUNTY:
            out[org_id] = org_id
            continue
        chain = _geographic_chain(org_id, info)
        out[org_id] = next((a for a in chain if info[a].kind == OrgKind.COUNTY), None)
    return out


def county_table(org_units: pa.Table) -> pa.Table:
    """:func:`county_of` as a table ``(org_id, county_id)`` for joins in the engine."""
    mapping = county_of(org_units)
    return pa.table(
        {
            "org_id": pa.array(list(mapping), pa.string()),
            "county_id": pa.array(list(mapping.values()), pa.string()),
        }
    )


def _memberships(
    members: pa.Table, info: Mapping[str, OrgInfo]
) -> dict[str, list[tuple[dt.date, dt.date, str]]]:
    """Per institution: sorted inclusive intervals (first day, last day, community)."""
    out: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for row in members.to_pylist():
        inst, comm = row["institution_id"], row["community_id"]
        for ref in (inst, comm):
            if ref not in info:
                raise HierarchyError(
                    f"医共体成员表引用了不存在的机构 {ref}",
                    f"community_members refers to unknown org unit {ref}",
                )
        start = row["valid_from"]
        last = row["valid_to"] - dt.timedelta(days=1) if row["valid_to"] else END_OF_TIME
        if last < start:
            continue  # joined and left on the same day: never a member
        out.setdefault(inst, []).append((start, last, comm))
    for inst, spans in out.items():
        spans.sort()
        for (_, last, a), (start, _, b) in itertools.pairwise(spans):
            if start <= last:
                raise HierarchyError(
                    f"机构 {inst} 在 {start} 同时属于医共体 {a} 和 {b}",
                    f"institution {inst} belongs to communities {a} and {b} on {start}",
                )
    return out


def _timeline(
    spans: list[tuple[dt.date, dt.date, str]],
) -> list[tuple[dt.date, dt.date, str | None]]:
    """Cover 1900…9999 with the membership spans and the gaps (community None) between."""
    out: list[tuple[dt.date, dt.date, str | None]] = []
    cursor = BEGINNING
    for start, last, comm in spans:
        if start > cursor:
            out.append((cursor, start - dt.timedelta(days=1), None))
        out.append((start, last, comm))
        if last == END_OF_TIME:
            return out
        cursor = last + dt.timedelta(days=1)
    out.append((cursor, END_OF_TIME, None))
    return out


def closure(org_units: pa.Table, members: pa.Table) -> pa.Table:
    """The dated closure table (闭包表): ``descendant_id, ancestor_id, ancestor_kind, depth,
    valid_from, valid_to`` (see the module docstring for the rules)."""
    info = org_info(org_units)
    spans = _memberships(members, info)
    rows: dict[str, list] = {name: [] for name in CLOSURE_SCHEMA.names}

    def add(desc: str, anc: str, depth: int, start: dt.date, last: dt.date) -> None:
        rows["descendant_id"].append(desc)
        rows["ancestor_id"].append(anc)
        rows["ancestor_kind"].append(info[anc].kind)
        rows["depth"].append(depth)
        rows["valid_from"].append(start)
        rows["valid_to"].append(last)

    for org_id in info:
        add(org_id, org_id, 0, BEGINNING, END_OF_TIME)
        chain = _geographic_chain(org_id, info)
        if org_id not in spans:
            for depth, anc in enumerate(chain, start=1):
                add(org_id, anc, depth, BEGINNING, END_OF_TIME)
            continue
        for start, last, comm in _timeline(spans[org_id]):
            shift = 0
            if comm is not None:
                add(org_id, comm, 1, start, last)
                shift = 1
            for depth, anc in enumerate(chain, start=1 + shift):
                add(org_id, anc, depth, start, last)
    return pa.table(rows, schema=CLOSURE_SCHEMA)

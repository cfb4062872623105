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

乡村一体化: a village clinic or community station may name its township (or community) health
centre in ``centre_id``. Like ``parent_id`` the link is dated by the unit's versions. On the
days it holds, the unit rolls up through its centre — village → centre → the centre's
community → county … — so a centre's indicators, ranking and assessment include its villages
(seed 003 Xi County 二（五）, seed 004 一（六）). Only one level: a centre's own centre is refused.

Org units are versioned (:mod:`yigai.records.versions`): a unit renamed, re-parented or
retired on a day has a new version from that day, so the geographic chain is dated too. The
closure is built for each stretch of days between version dates and joined back into
intervals; a registry with no corrections has one stretch, 1900-01-01 … 9999-12-31.
:func:`parent_problems` finds the versions that would make the tree unusable (unknown
parent, parent itself, cycle) so that ingestion refuses them with the row and the reason.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass

import pyarrow as pa

from yigai.orgs.model import OrgKind
from yigai.records import versions
from yigai.records.versions import BEGINNING, END_OF_TIME

_KEY = ("org_id",)

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
    #: 乡村一体化: the township / community health centre this unit belongs to (or None)
    centre_id: str | None = None


#: Units that can be a centre (乡镇卫生院 / 社区卫生服务中心) and units that can have one.
CENTRE_TYPES = frozenset({"township_centre", "community_centre"})
LINKED_TYPES = frozenset({"village_clinic", "community_station"})


def org_info(org_units: pa.Table, as_of: dt.date | None = None) -> dict[str, OrgInfo]:
    """Every org unit in force on ``as_of`` (None: its latest version) by id: name, kind,
    institution type and parent. A retired unit is absent."""
    current = versions.in_force(org_units, _KEY, as_of)
    wanted = ["org_id", "name", "kind", "inst_type", "parent_id", "centre_id"]
    # registries stored before 乡村一体化 existed have no centre_id column: no links
    rows = current.select([c for c in wanted if c in current.column_names]).to_pylist()
    return {
        r["org_id"]: OrgInfo(
            r["org_id"], r["name"], r["kind"], r["inst_type"], r["parent_id"], r.get("centre_id")
        )
        for r in rows
    }


def centre_problem(org_id: str, info: Mapping[str, OrgInfo]) -> tuple[str, str] | None:
    """Why ``org_id``'s ``centre_id`` cannot be used on a day (None when it can or is unset)."""
    unit = info[org_id]
    centre = unit.centre_id
    if centre is None:
        return None
    if unit.inst_type not in LINKED_TYPES:
        return (
            f"只有村卫生室和社区卫生服务站可填写所属卫生院（{org_id}）",
            f"only village clinics and community stations have a centre ({org_id})",
        )
    if centre not in info or info[centre].inst_type not in CENTRE_TYPES:
        return (
            f"机构 {org_id} 的所属卫生院 {centre} 不存在或不是乡镇卫生院/社区卫生服务中心",
            f"org unit {org_id}: centre {centre} is unknown or not a township/community centre",
        )
    return None


def names(org_units: pa.Table, as_of: dt.date | None = None) -> dict[str, str]:
    """名称: org id → name on ``as_of`` (None: the latest)."""
    return {k: v.name for k, v in org_info(org_units, as_of).items()}


def kinds(org_units: pa.Table, as_of: dt.date | None = None) -> dict[str, str]:
    """层级: org id → kind (province | city | county | community | institution)."""
    return {k: v.kind for k, v in org_info(org_units, as_of).items()}


def ancestors(org_id: str, info: Mapping[str, OrgInfo]) -> list[str]:
    """Geographic ancestors of ``org_id`` by ``parent_id``, nearest first (county, city …):
    what a deployment rule for a county or a city covers (:mod:`yigai.deployment`)."""
    return _geographic_chain(org_id, info) if org_id in info else []


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
    members: pa.Table, known: Container[str]
) -> dict[str, list[tuple[dt.date, dt.date, str]]]:
    """Per institution: sorted inclusive intervals (first day, last day, community)."""
    out: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for row in members.to_pylist():
        inst, comm = row["institution_id"], row["community_id"]
        for ref in (inst, comm):
            if ref not in known:
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


def _stretches(days: list[dt.date]) -> Iterator[tuple[dt.date, dt.date]]:
    """Consecutive inclusive stretches starting at each of ``days`` (ascending)."""
    for lo, nxt in itertools.pairwise([*days, None]):
        yield lo, END_OF_TIME if nxt is None else nxt - dt.timedelta(days=1)


class _Rows:
    """Closure rows being built, stretch by stretch: a link that ends where one stretch ends
    and goes on unchanged in the next is extended rather than repeated."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {name: [] for name in CLOSURE_SCHEMA.names}
        self.ending: dict[tuple[str, str, str, int], int] = {}
        self.starting: dict[tuple[str, str, str, int], int] = {}

    def stretch(self, lo: dt.date, hi: dt.date, info: Mapping[str, OrgInfo]) -> None:
        self.lo, self.hi, self.info = lo, hi, info
        self.ending, self.starting = self.starting, {}

    def add(self, desc: str, anc: str, depth: int, start: dt.date, last: dt.date) -> None:
        key = (desc, anc, self.info[anc].kind, depth)
        at = self.ending.get(key) if start == self.lo else None
        if at is not None:
            self.columns["valid_to"][at] = last  # the same link goes on past the version date
        else:
            at = len(self.columns["valid_to"])
            for name, value in zip(CLOSURE_SCHEMA.names, (*key, start, last), strict=True):
                self.columns[name].append(value)
        if last == self.hi:
            self.starting[key] = at


def closure(org_units: pa.Table, members: pa.Table) -> pa.Table:
    """The dated closure table (闭包表): ``descendant_id, ancestor_id, ancestor_kind, depth,
    valid_from, valid_to`` (see the module docstring for the rules)."""
    known = set(versions.filled(org_units)["org_id"].to_pylist())
    spans = _memberships(members, known)
    rows = _Rows()
    for lo, hi in _stretches(versions.breaks(org_units)):
        info = org_info(org_units, lo)
        rows.stretch(lo, hi, info)
        for org_id in info:
            _add_unit(org_id, info, spans, lo, hi, rows.add)
    return pa.table(rows.columns, schema=CLOSURE_SCHEMA)


def _add_unit(
    org_id: str,
    info: Mapping[str, OrgInfo],
    spans: Mapping[str, list[tuple[dt.date, dt.date, str]]],
    lo: dt.date,
    hi: dt.date,
    add: Callable[[str, str, int, dt.date, dt.date], None],
) -> None:
    """The closure rows of one unit for the days ``lo`` … ``hi`` (one set of versions)."""
    add(org_id, org_id, 0, lo, hi)
    problem = centre_problem(org_id, info)
    if problem is not None:
        raise HierarchyError(*problem)
    centre = info[org_id].centre_id
    if centre is None:
        for anc, depth, start, last in _links(org_id, info, spans.get(org_id), lo, hi):
            add(org_id, anc, depth, start, last)
        return
    # 乡村一体化: the centre's whole path, one step further away; the village's own
    # membership and geographic chain are the centre's (it is managed by the centre)
    add(org_id, centre, 1, lo, hi)
    for anc, depth, start, last in _links(centre, info, spans.get(centre), lo, hi):
        add(org_id, anc, depth + 1, start, last)


def _links(
    org_id: str,
    info: Mapping[str, OrgInfo],
    memberships: list[tuple[dt.date, dt.date, str]] | None,
    lo: dt.date,
    hi: dt.date,
) -> Iterator[tuple[str, int, dt.date, dt.date]]:
    """``org_id``'s ancestors (community on each day, then geography) within ``lo`` … ``hi``."""
    chain = _geographic_chain(org_id, info)
    for start, last, comm in _timeline(memberships or []):
        start, last = max(start, lo), min(last, hi)
        if start > last:
            continue
        shift = 0
        if comm is not None and comm in info:
            yield comm, 1, start, last
            shift = 1
        for depth, anc in enumerate(chain, start=1 + shift):
            yield anc, depth, start, last


@dataclass(frozen=True)
class ParentProblem:
    """A version of an org unit whose ``parent_id`` breaks the tree on some day.

    ``row`` indexes the table given to :func:`parent_problems`; ``parent_id`` is the parent
    it names (None for a cycle through the unit itself)."""

    row: int
    org_id: str
    parent_id: str | None
    zh: str
    en: str


def _problem(org_id: str, parent: str, info: Mapping[str, OrgInfo]) -> tuple[str, str] | None:
    if parent == org_id:
        return "上级为自身", "the parent is the unit itself"
    if parent not in info:
        return f"未知上级 {parent}", f"unknown parent {parent}"
    path, at = [org_id], parent
    while at is not None and at in info and len(path) <= len(info):
        if at == org_id:
            cycle = "→".join([*path, org_id])
            return f"形成循环：{cycle}", f"forms a cycle: {cycle}"
        if at in path:
            return None  # a cycle above this unit: reported on the units that form it
        path.append(at)
        at = info[at].parent_id
    return None


def parent_problems(org_units: pa.Table) -> list[ParentProblem]:
    """Versions whose parent, on some day they are in force, is unknown (absent or retired
    that day), the unit itself, or leads back to the unit (a cycle). Each version is
    reported once, for the first day it breaks the tree."""
    table = org_units.append_column("__row", pa.array(range(org_units.num_rows), pa.int64()))
    found: dict[int, ParentProblem] = {}
    for lo, _ in _stretches(versions.breaks(table)):
        current = versions.in_force(table, _KEY, lo)
        rows = current.select(["org_id", "parent_id", "__row"]).to_pylist()
        info = {r["org_id"]: OrgInfo(r["org_id"], "", "", None, r["parent_id"]) for r in rows}
        for r in rows:
            if r["parent_id"] is None or r["__row"] in found:
                continue
            bad = _problem(r["org_id"], r["parent_id"], info)
            if bad is not None:
                found[r["__row"]] = ParentProblem(r["__row"], r["org_id"], r["parent_id"], *bad)
    return sorted(found.values(), key=lambda p: p.row)

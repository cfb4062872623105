"""机构树 (the org tree) the service scopes by: the warehouse's ``org_units`` and
``community_members``, and the units a grant covers through
:func:`yigai.access.scope.units_in_scope` — the same model as the warehouse's grants.

Org units are not personal records, so reading them needs no grant; the tree is read once
and kept until :meth:`OrgTree.refresh` (``yigai serve`` reads it after loading the county).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pyarrow as pa

from yigai.access.scope import units_in_scope
from yigai.orgs.hierarchy import OrgInfo, org_info
from yigai.warehouse import Warehouse

ALL = "*"


@dataclass(frozen=True)
class _Snapshot:
    info: dict[str, OrgInfo]
    org_units: pa.Table
    members: pa.Table


class OrgTree:
    """The org units of one warehouse, with the scope of any set of granted roots."""

    def __init__(self, warehouse: Warehouse | None = None) -> None:
        self.warehouse = warehouse
        self._lock = threading.Lock()
        self._cache: dict[frozenset[str], frozenset[str]] = {}
        self._snap = self._read()

    @classmethod
    def from_tables(cls, org_units: pa.Table, members: pa.Table) -> OrgTree:
        tree = cls.__new__(cls)
        tree.warehouse, tree._lock, tree._cache = None, threading.Lock(), {}
        tree._snap = _Snapshot(org_info(org_units), org_units, members)
        return tree

    def _read(self) -> _Snapshot:
        if self.warehouse is None:
            empty = pa.table({"org_id": pa.array([], pa.string())})
            return _Snapshot({}, empty, empty)
        org_units = self.warehouse.read("org_units")
        members = self.warehouse.read("community_members")
        return _Snapshot(org_info(org_units), org_units, members)

    def refresh(self) -> None:
        snap = self._read()
        with self._lock:
            self._snap, self._cache = snap, {}

    @property
    def info(self) -> dict[str, OrgInfo]:
        """Every org unit in force (latest version) by id."""
        return self._snap.info

    def units(self, roots: frozenset[str]) -> frozenset[str]:
        """The units a grant of ``roots`` covers (``*``: every unit)."""
        with self._lock:
            cached = self._cache.get(roots)
            if cached is not None:
                return cached
            snap = self._snap
        if ALL in roots:
            units = frozenset(snap.info)
        elif snap.org_units.num_rows == 0:
            units = frozenset(roots)
        else:
            units = frozenset(units_in_scope(roots, snap.org_units, snap.members))
        with self._lock:
            self._cache[roots] = units
        return units

    def children(self) -> dict[str, list[str]]:
        """Child units by parent, sorted: geographic children by ``parent_id`` and the
        member institutions of each community (as :func:`units_in_scope` walks them)."""
        snap = self._snap
        kids: dict[str, set[str]] = {}
        for unit in snap.info.values():
            if unit.parent_id is not None:
                kids.setdefault(unit.parent_id, set()).add(unit.org_id)
        if snap.members.num_rows:
            for community, institution in zip(
                snap.members["community_id"].to_pylist(),
                snap.members["institution_id"].to_pylist(),
                strict=True,
            ):
                kids.setdefault(community, set()).add(institution)
        return {parent: sorted(c) for parent, c in kids.items()}

    def first(self, kind: str, inst_type: str | None = None) -> str | None:
        """The first unit (by id) of ``kind`` (and ``inst_type``), for demo grants."""
        found = sorted(
            u.org_id
            for u in self.info.values()
            if u.kind == kind and (inst_type is None or u.inst_type == inst_type)
        )
        return found[0] if found else None

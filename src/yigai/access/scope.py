"""A user's scope as org units, and which columns of a record set place a row in it."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from yigai.records import schemas


@dataclass(frozen=True)
class Scope:
    """The org units granted to ``user`` (``everything``: all of them)."""

    user: str
    roots: frozenset[str]
    everything: bool = False

    def describe(self) -> str:
        return "*" if self.everything else ",".join(sorted(self.roots))


def org_columns(record_set: str) -> list[str]:
    """The columns of ``record_set`` that name an org unit (its references to ``org_units``)."""
    return [col for col, target in schemas.get(record_set).references if target == "org_units"]


def units_in_scope(roots: frozenset[str], org_units: pa.Table, members: pa.Table) -> set[str]:
    """The granted units with everything under them: children by ``parent_id``, and the member
    institutions of a granted community (at any date: a former member's records stay visible
    to the community that held them)."""
    children: dict[str, list[str]] = {}
    for unit, parent in zip(
        org_units["org_id"].to_pylist(), org_units["parent_id"].to_pylist(), strict=True
    ):
        if parent is not None:
            children.setdefault(parent, []).append(unit)
    for community, institution in zip(
        members["community_id"].to_pylist(), members["institution_id"].to_pylist(), strict=True
    ):
        children.setdefault(community, []).append(institution)
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        unit = todo.pop()
        if unit not in seen:
            seen.add(unit)
            todo.extend(children.get(unit, ()))
    return seen


def row_filter(record_set: str, units: set[str]) -> pc.Expression:
    """Rows of ``record_set`` with any org reference among ``units``."""
    value_set = pa.array(sorted(units), pa.string())
    expr = pc.scalar(False)
    for col in org_columns(record_set):
        expr = expr | pc.field(col).isin(value_set)
    return expr

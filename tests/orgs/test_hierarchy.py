"""Closure table (机构层级闭包表) per docs/CONTRACTS.md "Org hierarchy"."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.orgs import hierarchy
from yigai.orgs.hierarchy import END_OF_TIME, HierarchyError, closure

D = dt.date


def _units(extra: list[dict] | None = None) -> pa.Table:
    def unit(org_id: str, parent: str | None, kind: str, inst_type: str | None = None) -> dict:
        return {
            "org_id": org_id,
            "parent_id": parent,
            "kind": kind,
            "name": f"{org_id}名",
            "inst_type": inst_type,
        }

    rows = [
        unit("P", None, "province"),
        unit("C", "P", "city"),
        unit("K", "C", "county"),
        unit("M1", "K", "community"),
        unit("M2", "K", "community"),
        unit("T", "K", "institution", "township_centre"),
        unit("V", "K", "institution", "village_clinic"),
        unit("CH", "C", "institution", "city_hospital"),
    ]
    return pa.Table.from_pylist(rows + (extra or []))


def _members(rows: list[tuple[str, str, dt.date, dt.date | None]]) -> pa.Table:
    schema = pa.schema(
        [
            ("community_id", pa.string()),
            ("institution_id", pa.string()),
            ("role", pa.string()),
            ("valid_from", pa.date32()),
            ("valid_to", pa.date32()),
        ]
    )
    return pa.Table.from_pylist(
        [
            {"community_id": c, "institution_id": i, "role": "member", "valid_from": a,
             "valid_to": b}
            for c, i, a, b in rows
        ],
        schema=schema,
    )  # fmt: skip


def _path_on(table: pa.Table, org_id: str, day: dt.date) -> list[tuple[str, str, int]]:
    """(ancestor, kind, depth) of ``org_id`` on ``day``, nearest first."""
    out = [
        (r["ancestor_id"], r["ancestor_kind"], r["depth"])
        for r in table.to_pylist()
        if r["descendant_id"] == org_id and r["valid_from"] <= day <= r["valid_to"]
    ]
    return sorted(out, key=lambda x: x[2])


MOVE = [("M1", "T", D(2019, 1, 1), D(2025, 4, 1)), ("M2", "T", D(2025, 4, 1), None)]


def test_institution_in_a_community_rolls_up_through_it_then_its_county() -> None:
    table = closure(_units(), _members(MOVE))
    assert _path_on(table, "T", D(2025, 3, 31)) == [
        ("T", "institution", 0),
        ("M1", "community", 1),
        ("K", "county", 2),
        ("C", "city", 3),
        ("P", "province", 4),
    ]


def test_membership_moves_on_the_day_the_institution_leaves_and_joins() -> None:
    """valid_to is the day it left: on 2025-04-01 T is in M2 only."""
    table = closure(_units(), _members(MOVE))
    path = _path_on(table, "T", D(2025, 4, 1))
    assert [a for a, k, _ in path if k == "community"] == ["M2"]


def test_institution_outside_every_community_rolls_straight_to_its_county() -> None:
    table = closure(_units(), _members(MOVE))
    assert _path_on(table, "V", D(2025, 1, 1)) == [
        ("V", "institution", 0),
        ("K", "county", 1),
        ("C", "city", 2),
        ("P", "province", 3),
    ]


def test_institution_before_joining_a_community_has_no_community() -> None:
    table = closure(_units(), _members(MOVE))
    assert [k for _, k, _ in _path_on(table, "T", D(2018, 12, 31))] == [
        "institution",
        "county",
        "city",
        "province",
    ]


def test_city_hospital_rolls_up_to_its_city() -> None:
    table = closure(_units(), _members([]))
    assert _path_on(table, "CH", D(2025, 1, 1))[1] == ("C", "city", 1)


def test_undated_links_span_the_whole_calendar() -> None:
    table = closure(_units(), _members([]))
    row = next(
        r for r in table.to_pylist() if r["descendant_id"] == "K" and r["ancestor_id"] == "P"
    )
    assert (row["valid_from"], row["valid_to"]) == (D(1900, 1, 1), END_OF_TIME)


def test_closure_has_the_contract_schema() -> None:
    assert closure(_units(), _members(MOVE)).schema == hierarchy.CLOSURE_SCHEMA


def test_overlapping_memberships_are_rejected_bilingually() -> None:
    rows = [("M1", "T", D(2020, 1, 1), None), ("M2", "T", D(2024, 1, 1), None)]
    with pytest.raises(HierarchyError, match=r"同时属于.* / institution T belongs to"):
        closure(_units(), _members(rows))


def test_unknown_parent_is_rejected() -> None:
    bad = [{"org_id": "X", "parent_id": "NOPE", "kind": "institution", "name": "X",
            "inst_type": "private"}]  # fmt: skip
    with pytest.raises(HierarchyError, match="NOPE"):
        closure(_units(bad), _members([]))


def test_parent_cycle_is_rejected() -> None:
    rows = [
        {"org_id": "A", "parent_id": "B", "kind": "county", "name": "A", "inst_type": None},
        {"org_id": "B", "parent_id": "A", "kind": "city", "name": "B", "inst_type": None},
    ]
    with pytest.raises(HierarchyError, match="cycle"):
        closure(pa.Table.from_pylist(rows), _members([]))


def test_membership_of_unknown_institution_is_rejected() -> None:
    with pytest.raises(HierarchyError, match="unknown org unit Z"):
        closure(_units(), _members([("M1", "Z", D(2020, 1, 1), None)]))


def test_county_of_each_unit() -> None:
    counties = hierarchy.county_of(_units())
    assert counties["T"] == "K"
    assert counties["K"] == "K"
    assert counties["M1"] == "K"
    assert counties["CH"] is None
    assert counties["P"] is None


def test_names_and_kinds_lookup() -> None:
    assert hierarchy.names(_units())["T"] == "T名"
    assert hierarchy.kinds(_units())["M2"] == "community"


_days = st.dates(min_value=D(2018, 1, 1), max_value=D(2027, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    cuts=st.lists(_days, min_size=0, max_size=4, unique=True),
    comms=st.lists(st.sampled_from(["M1", "M2", None]), min_size=5, max_size=5),
    probe=_days,
)
def test_on_any_day_an_institution_has_one_ancestor_per_level(
    cuts: list[dt.date], comms: list[str | None], probe: dt.date
) -> None:
    """Invariant: consecutive memberships (with gaps) give, on every day, the unit itself,
    at most one community, and exactly one county, city and province, with depths 0…n."""
    edges = sorted(cuts)
    rows = []
    for n, (start, end) in enumerate(zip(edges, [*edges[1:], None], strict=False)):
        if comms[n] is not None:
            rows.append((comms[n], "T", start, end))
    path = _path_on(closure(_units(), _members(rows)), "T", probe)
    kinds = [k for _, k, _ in path]
    assert kinds.count("community") <= 1
    assert [k for k in kinds if k != "community"] == ["institution", "county", "city", "province"]
    assert [d for _, _, d in path] == list(range(len(path)))


def _with_centre(village_centre: str | None) -> pa.Table:
    units = _units().to_pylist()
    for u in units:
        u["centre_id"] = village_centre if u["org_id"] == "V" else None
    return pa.Table.from_pylist(units)


def test_village_clinic_rolls_up_through_its_township_centre() -> None:
    """乡村一体化 (seed 003 二（五）): V belongs to T, so V's records count at T, then at T's
    community and county, even though V itself is in no community."""
    table = closure(_with_centre("T"), _members(MOVE))
    assert _path_on(table, "V", D(2025, 3, 31)) == [
        ("V", "institution", 0),
        ("T", "institution", 1),
        ("M1", "community", 2),
        ("K", "county", 3),
        ("C", "city", 4),
        ("P", "province", 5),
    ]
    assert ("M2", "community", 2) in _path_on(table, "V", D(2025, 4, 1))


def test_village_without_a_centre_does_not_roll_up_to_the_township() -> None:
    table = closure(_with_centre(None), _members(MOVE))
    assert "T" not in [a for a, _, _ in _path_on(table, "V", D(2025, 3, 31))]


def test_centre_that_is_not_a_township_centre_is_refused() -> None:
    with pytest.raises(HierarchyError, match="centre CH is unknown or not a township"):
        closure(_with_centre("CH"), _members(MOVE))

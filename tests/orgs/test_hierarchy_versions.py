"""The closure and unit look-ups follow org unit versions (re-parented, renamed, retired)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from yigai.orgs.hierarchy import END_OF_TIME, closure, org_info
from yigai.records.versions import BEGINNING

D = dt.date
MEMBERS = pa.table(
    {
        "community_id": pa.array([], pa.string()),
        "institution_id": pa.array([], pa.string()),
        "valid_from": pa.array([], pa.date32()),
        "valid_to": pa.array([], pa.date32()),
    }
)


SCHEMA = pa.schema(
    [(c, pa.string()) for c in ("org_id", "parent_id", "kind", "name", "inst_type")]
    + [("version_from", pa.date32()), ("retired_reason", pa.string())]
)


def _units() -> pa.Table:
    def unit(org_id, parent, kind, since=None, retired=None, name=None):  # type: ignore[no-untyped-def]
        return {"org_id": org_id, "parent_id": parent, "kind": kind, "name": name or org_id,
                "inst_type": None, "version_from": since, "retired_reason": retired}  # fmt: skip

    return pa.Table.from_pylist(
        [
            unit("K", None, "county"),
            unit("TA", "K", "institution"),
            unit("TB", "K", "institution"),
            unit("V", "TA", "institution", name="甲村"),
            unit("V", "TB", "institution", D(2025, 5, 1), name="乙村"),
            unit("X", "K", "institution"),
            unit("X", "K", "institution", D(2025, 7, 1), "撤销"),
        ],
        schema=SCHEMA,
    )


def _links(table: pa.Table, desc: str) -> list[tuple[str, int, dt.date, dt.date]]:
    rows = [r for r in table.to_pylist() if r["descendant_id"] == desc]
    return sorted((r["ancestor_id"], r["depth"], r["valid_from"], r["valid_to"]) for r in rows)


def test_a_reparented_unit_rolls_up_to_its_old_parent_until_the_version_date() -> None:
    assert _links(closure(_units(), MEMBERS), "V") == [
        ("K", 2, BEGINNING, END_OF_TIME),  # the county above both parents: one unbroken link
        ("TA", 1, BEGINNING, D(2025, 4, 30)),
        ("TB", 1, D(2025, 5, 1), END_OF_TIME),
        ("V", 0, BEGINNING, END_OF_TIME),
    ]


def test_a_retired_unit_leaves_the_closure_from_its_version_date() -> None:
    assert _links(closure(_units(), MEMBERS), "X") == [
        ("K", 1, BEGINNING, D(2025, 6, 30)),
        ("X", 0, BEGINNING, D(2025, 6, 30)),
    ]


def test_unit_info_is_the_version_in_force_on_the_day() -> None:
    assert org_info(_units(), D(2025, 4, 30))["V"].name == "甲村"
    assert org_info(_units(), D(2025, 5, 1))["V"].parent_id == "TB"
    assert "X" in org_info(_units(), D(2025, 6, 30))
    assert "X" not in org_info(_units())


def test_a_village_moved_to_another_township_centre_counts_there_from_the_version_date() -> None:
    """乡村一体化 is a dated link: V belongs to centre TA, then to TB from 2025-05-01."""
    schema = SCHEMA.append(pa.field("centre_id", pa.string()))

    def unit(org_id, kind, inst_type=None, centre=None, since=None):  # type: ignore[no-untyped-def]
        return {"org_id": org_id, "parent_id": None if org_id == "K" else "K", "kind": kind,
                "name": org_id, "inst_type": inst_type, "version_from": since,
                "retired_reason": None, "centre_id": centre}  # fmt: skip

    units = pa.Table.from_pylist(
        [
            unit("K", "county"),
            unit("TA", "institution", "township_centre"),
            unit("TB", "institution", "township_centre"),
            unit("V", "institution", "village_clinic", "TA"),
            unit("V", "institution", "village_clinic", "TB", D(2025, 5, 1)),
        ],
        schema=schema,
    )
    assert _links(closure(units, MEMBERS), "V") == [
        ("K", 2, BEGINNING, END_OF_TIME),
        ("TA", 1, BEGINNING, D(2025, 4, 30)),
        ("TB", 1, D(2025, 5, 1), END_OF_TIME),
        ("V", 0, BEGINNING, END_OF_TIME),
    ]

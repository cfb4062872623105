"""A tiny county for log-in tests: county → community → two village clinics, a township
centre and the county hospital (members of the community), plus a second county with its own
community (a village clinic and a county hospital)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from yigai.auth import OrgTree
from yigai.records import schemas

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

UNITS = [
    ("44", None, "province", None),
    ("4401", "44", "city", None),
    ("440101", "4401", "county", None),
    ("440101Y1", "440101", "community", None),
    ("440101G001", "440101", "institution", "county_general"),
    ("440101W001", "440101", "institution", "township_centre"),
    ("440101C001", "440101", "institution", "village_clinic"),
    ("440101C002", "440101", "institution", "village_clinic"),
    ("440102", "4401", "county", None),
    ("440102C001", "440102", "institution", "village_clinic"),
    ("440102Y1", "440102", "community", None),
    ("440102G001", "440102", "institution", "county_general"),
]
MEMBERS = {
    "440101Y1": ["440101G001", "440101W001", "440101C001", "440101C002"],
    "440102Y1": ["440102G001", "440102C001"],
}


def org_tables() -> tuple[pa.Table, pa.Table]:
    rows = [
        {"org_id": o, "parent_id": p, "kind": k, "name": f"机构{o}", "inst_type": t}
        for o, p, k, t in UNITS
    ]
    schema = schemas.get("org_units").arrow_schema()
    org_units = pa.Table.from_pylist(
        [{f: r.get(f) for f in schema.names} for r in rows], schema=schema
    )
    pairs = [(c, i) for c, members in MEMBERS.items() for i in members]
    members = pa.table(
        {"community_id": [c for c, _ in pairs], "institution_id": [i for _, i in pairs]}
    )
    return org_units, members


@pytest.fixture
def orgs() -> OrgTree:
    return OrgTree.from_tables(*org_tables())

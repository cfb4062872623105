"""The resource register (机构资源登记, issue 14 §4): import with row-level errors, versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from yigai.records import versions
from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import ingest_file

from .conftest import KEY

WriteCsv = Callable[..., Path]
D = dt.date

REGISTER = """
机构编码,实有床位,核定编制,设有中医馆,升级卫生院
H1,300,350,,
T1,40,20,是,否
"""


def _found(report) -> list[tuple[int | None, str | None, str]]:
    return [(r.row, r.column, r.en) for r in report.rejections]


def test_register_is_imported_under_chinese_headers(region: Warehouse, write_csv: WriteCsv) -> None:
    report = ingest_file(region, "resources", write_csv(REGISTER), key=KEY)
    assert report.status == "committed", report.rejections
    rows = region.read("resources", columns=["org_id", "beds", "posts", "tcm_clinic"])
    assert sorted(rows.to_pylist(), key=lambda r: r["org_id"]) == [
        {"org_id": "H1", "beds": 300, "posts": 350, "tcm_clinic": None},
        {"org_id": "T1", "beds": 40, "posts": 20, "tcm_clinic": True},
    ]


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_stored(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    text = """
    org_id,beds,posts
    H1,-5,350
    NOWHERE,10,
    T1,,20
    """
    report = ingest_file(region, "resources", write_csv(text), key=KEY)
    assert report.status == "rejected"
    assert _found(report) == [
        (2, "beds", "below the minimum 0"),
        (3, "org_id", "not found in org_units"),
        (4, "beds", "required value is missing"),
    ]
    assert all(r.zh for r in report.rejections)  # Chinese first, English beside
    assert region.read("resources").num_rows == 0


def test_a_change_is_a_new_version_and_the_old_one_stays(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    ingest_file(region, "resources", write_csv(REGISTER), key=KEY)
    more = """
    org_id,beds,posts,tcm_clinic,version_from
    T1,60,24,是,2025-07-01
    """
    report = ingest_file(region, "resources", write_csv(more, "more.csv"), key=KEY)
    assert report.status == "committed", report.rejections
    table = region.read("resources")
    t1 = sorted((r["version_from"], r["beds"]) for r in table.to_pylist() if r["org_id"] == "T1")
    assert t1 == [(versions.BEGINNING, 40), (D(2025, 7, 1), 60)]
    for day, beds in ((D(2025, 6, 30), 40), (D(2025, 7, 1), 60)):
        rows = versions.in_force(table, ("org_id",), day).to_pylist()
        assert [r["beds"] for r in rows if r["org_id"] == "T1"] == [beds]

"""Indicators read each registry as it stood on the date they measure (登记簿版本).

Region (imported through ``yigai import`` paths; corrections as dated versions)::

    K county ─┬─ TA township centre
              └─ TB township centre
    V village clinic: under TA, named 甲村卫生室; from 2025-05-01 under TB, named 乙村卫生室

Residents (registered 2020-01-05)::

    r1 home V
    r2 home V, died 2025-05-20 (correction from that day with left_on)
    r3 home TB, retired 2025-02-15 (registered twice by mistake: 重复建档)

Stock of residents (count at the period end), by hand::

    202501 (01-31): V 2 (r1 r2) → TA 2; TB 1 (r3); K 3
    2025Q1 (03-31): V 2 → TA 2; TB nothing (r3 retired); K 2
    2025Q2 (06-30): V 1 (r1; r2 died) → TB 1 (V moved); TA nothing; K 1
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from yigai.indicators import catalogue, compute
from yigai.orgs import hierarchy
from yigai.people import identity
from yigai.records import versions
from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import ingest_file

KEY = b"test-key"
VERSIONED = ("org_units", "residents", "staff", "contracts")

COUNT = """\
indicators:
  - id: resident_stock
    name_zh: 常住居民数
    name_en: Residents
    unit: count
    direction: higher
    attribution: resident
    numerator: {records: residents, measure: count}
    definition_zh: 测试
    definition_en: test
    source: 测试
    working_definition: true
"""

ORGS = """\
org_id,parent_id,kind,name,inst_type,level,ownership,version_from
K,,county,某县,,,,
TA,K,institution,甲镇卫生院,township_centre,township,public,
TB,K,institution,乙镇卫生院,township_centre,township,public,
V,TA,institution,甲村卫生室,village_clinic,village,public,
V,TB,institution,乙村卫生室,village_clinic,village,public,2025-05-01
"""


def _id(birth: str, order: int) -> str:
    first17 = f"110105{birth}{order:03d}"
    return first17 + identity.check_digit(first17)


R1, R2, R3 = _id("19500615", 3), _id("19600101", 5), _id("19700202", 7)
HEAD = "id_number,name,sex,birth_date,home_unit_id,scheme,registered_on,left_on,version_from"
RESIDENTS = f"""\
{HEAD}
{R1},赵一,M,1950-06-15,V,resident,2020-01-05,,
{R2},钱二,M,1960-01-01,V,resident,2020-01-05,,
{R3},孙三,M,1970-02-02,TB,resident,2020-01-05,,
"""
DIED = f"""\
{HEAD}
{R2},钱二,M,1960-01-01,V,resident,2020-01-05,2025-05-20,2025-05-20
"""
RETIRED = f"""\
{HEAD},retired_reason
{R3},孙三,M,1970-02-02,TB,resident,2020-01-05,,2025-02-15,重复建档
"""


def _load(wh: Warehouse, tmp: Path, name: str, text: str, file: str) -> None:
    path = tmp / file
    path.write_text(text, encoding="utf-8")
    report = ingest_file(wh, name, path, key=KEY)
    assert report.status == "committed", report.rejections


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("versions")
    wh = Warehouse(tmp / "wh")
    _load(wh, tmp, "org_units", ORGS, "orgs.csv")
    _load(wh, tmp, "residents", RESIDENTS, "residents.csv")
    _load(wh, tmp, "residents", DIED, "died.csv")
    _load(wh, tmp, "residents", RETIRED, "retired.csv")
    return wh


@pytest.fixture(scope="module")
def stock(wh: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], int]:
    path = tmp_path_factory.mktemp("cat") / "count.yaml"
    path.write_text(COUNT, encoding="utf-8")
    out = compute(wh, ["202501", "2025Q1", "2025Q2"], catalogue=catalogue.load([path]))
    return {(r["org_id"], r["period_id"]): r["numerator"] for r in out.to_pylist()}


def test_a_resident_who_died_mid_quarter_counts_at_the_previous_quarter_end_only(
    stock: dict[tuple[str, str], int],
) -> None:
    assert stock[("V", "2025Q1")] == 2
    assert stock[("V", "2025Q2")] == 1


def test_a_reparented_institution_rolls_up_to_its_parent_on_each_period_end(
    stock: dict[tuple[str, str], int],
) -> None:
    assert stock[("TA", "2025Q1")] == 2
    assert ("TB", "2025Q1") not in stock
    assert stock[("TB", "2025Q2")] == 1
    assert ("TA", "2025Q2") not in stock
    assert stock[("K", "2025Q1")] == 2 and stock[("K", "2025Q2")] == 1


def test_a_retired_resident_leaves_the_stock_from_its_version_date(
    stock: dict[tuple[str, str], int], wh: Warehouse
) -> None:
    assert stock[("TB", "202501")] == 1 and stock[("K", "202501")] == 3
    assert ("TB", "2025Q1") not in stock
    history = wh.read("residents", columns=["person_id", "retired_reason"]).to_pylist()
    mine = [r for r in history if r["person_id"] == identity.pseudonym(R3, KEY)]
    assert sorted(r["retired_reason"] or "" for r in mine) == ["", "重复建档"]


def test_a_renamed_institution_has_its_new_name_from_the_version_date(wh: Warehouse) -> None:
    units = wh.read("org_units")
    assert hierarchy.names(units, dt.date(2025, 4, 30))["V"] == "甲村卫生室"
    assert hierarchy.names(units, dt.date(2025, 5, 1))["V"] == "乙村卫生室"
    assert hierarchy.names(units)["V"] == "乙村卫生室"


VISITS = """\
indicators:
  - id: visits_by_home
    name_zh: 居民就诊人次
    name_en: Visits by home unit
    unit: count
    direction: higher
    attribution: resident
    numerator: {records: encounters, measure: count}
    definition_zh: 测试
    definition_en: test
    source: 测试
    working_definition: true
"""


def test_a_visit_counts_for_the_home_the_resident_had_on_the_visit_day(tmp_path: Path) -> None:
    """The shared test region (tests/indicators/conftest.py); r1 moves from V1 to T2 on
    2025-02-01. 202501: r1's e1 (V1, 01-10) stays with V1. 202502: r1's e2 (02-05) now counts
    for T2 beside r5's e7 → T2 2; V1 had only e2 that month → no row."""
    from conftest import like, region

    path = tmp_path / "visits.yaml"
    path.write_text(VISITS, encoding="utf-8")
    cat = catalogue.load([path])
    src = region()
    before = compute(src, ["202501", "202502"], catalogue=cat)
    src["residents"] = versions.filled(src["residents"])
    moved = like(src["residents"], "r1", home_unit_id="T2", version_from=dt.date(2025, 2, 1))
    src["residents"] = pa.concat_tables(
        [src["residents"], pa.Table.from_pylist([moved], schema=src["residents"].schema)]
    )
    after = compute(src, ["202501", "202502"], catalogue=cat)

    def counts(out: pa.Table) -> dict[tuple[str, str], int]:
        return {(r["org_id"], r["period_id"]): r["numerator"] for r in out.to_pylist()}

    assert counts(before)[("V1", "202502")] == 1 and counts(before)[("T2", "202502")] == 1
    assert counts(after)[("V1", "202501")] == 1
    assert ("V1", "202502") not in counts(after)
    assert counts(after)[("T2", "202502")] == 2


CONTRACTED = """\
indicators:
  - id: contracted_residents
    name_zh: 签约居民数
    name_en: Contracted residents
    unit: count
    direction: higher
    attribution: resident
    numerator: {records: residents, measure: count, where: [{has_contract: true}]}
    definition_zh: 测试
    definition_en: test
    source: 测试
    working_definition: true
"""


def test_a_contract_ended_early_stops_counting_from_its_corrected_end(tmp_path: Path) -> None:
    """The shared test region; c1 (r1, home V1, valid 2024-07-01 … 2025-06-30) ends early on
    2025-02-10: a version from that day with valid_to 2025-02-10. Contracted residents at
    202501's end: V1 1 (r1); at 202502's end: r1 no longer → no V1 row; K1 keeps r4 (c3)."""
    from conftest import like, region

    path = tmp_path / "contracted.yaml"
    path.write_text(CONTRACTED, encoding="utf-8")
    src = region()
    src["contracts"] = versions.filled(src["contracts"])
    ended = like(
        src["contracts"], "c1", valid_to=dt.date(2025, 2, 10), version_from=dt.date(2025, 2, 10)
    )
    src["contracts"] = pa.concat_tables(
        [src["contracts"], pa.Table.from_pylist([ended], schema=src["contracts"].schema)]
    )
    out = compute(src, ["202501", "202502"], catalogue=catalogue.load([path]))
    got = {(r["org_id"], r["period_id"]): r["numerator"] for r in out.to_pylist()}
    assert got[("V1", "202501")] == 1
    assert ("V1", "202502") not in got
    assert got[("K1", "202501")] == 2 and got[("K1", "202502")] == 1


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_reads_versions_as_duckdb_does(spark: Any) -> None:
    """The whole catalogue over the shared region with versions in every versioned record
    set: r1 moves to T2, c1 ends early, T1 is renamed, staff s2 moves to T2, r5 is retired."""
    from conftest import PERIODS, like, region

    src = {k: versions.filled(v) if k in VERSIONED else v for k, v in region().items()}
    day = dt.date(2025, 2, 1)
    extra = {
        "residents": [
            like(src["residents"], "r1", home_unit_id="T2", version_from=day),
            like(src["residents"], "r5", version_from=day, retired_reason="重复建档"),
        ],
        "contracts": [like(src["contracts"], "c1", valid_to=day, version_from=day)],
        "org_units": [like(src["org_units"], "T1", name="新名", version_from=day)],
        "staff": [like(src["staff"], "s2", institution_id="T2", version_from=day)],
    }
    for name, rows in extra.items():
        src[name] = pa.concat_tables(
            [src[name], pa.Table.from_pylist(rows, schema=src[name].schema)]
        )
    on_duckdb = compute(src, PERIODS)
    on_spark = compute(src, PERIODS, engine="spark", spark_session=spark)
    assert on_spark.num_rows == on_duckdb.num_rows > 250
    assert on_spark.equals(on_duckdb)

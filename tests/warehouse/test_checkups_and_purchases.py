"""Import of the record sets of issue 14 §4's last indicators: health check-ups (健康体检,
personal) and online centralised drug purchases (药品网上集中采购), with row-level errors,
and the essential-drug flag of the resource register."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import ingest_file

from .conftest import KEY, RESIDENT_A, RESIDENT_B, make_id

WriteCsv = Callable[..., Path]


def _found(report) -> list[tuple[int | None, str | None, str]]:
    return [(r.row, r.column, r.en) for r in report.rejections]


PURCHASES = """
采购订单号,采购机构,订单日期,采购金额,配送到位金额
O1,T1,2025-03-02,1048.00,965.00
O2,T1,2025-03-05,200.50,200.50
"""


def test_purchases_import_in_yuan_and_are_stored_in_fen(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    """O2 is delivered in full (delivered = purchased): a valid row."""
    report = ingest_file(region, "drug_purchases", write_csv(PURCHASES), key=KEY)
    assert report.status == "committed", report.rejections
    rows = region.read("drug_purchases", columns=["order_id", "purchased_fen", "delivered_fen"])
    assert sorted(rows.to_pylist(), key=lambda r: r["order_id"]) == [
        {"order_id": "O1", "purchased_fen": 104800, "delivered_fen": 96500},
        {"order_id": "O2", "purchased_fen": 20050, "delivered_fen": 20050},
    ]


def test_more_delivered_than_purchased_is_a_row_error_naming_file_row_and_column(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    text = """
    order_id,institution_id,order_date,purchased,delivered
    O1,T1,2025-03-02,100.00,100.01
    O2,NOWHERE,2025-03-02,100.00,50.00
    O3,T1,2025-03-02,100.00,
    """
    path = write_csv(text, "采购.csv")
    report = ingest_file(region, "drug_purchases", path, key=KEY)
    assert report.status == "rejected"
    assert _found(report) == [
        (2, "delivered", "amount delivered exceeds amount purchased"),
        (3, "institution_id", "not found in org_units"),
        (4, "delivered", "required value is missing"),
    ]
    first = report.rejections[0]
    assert first.zh == "配送到位金额大于采购金额"
    assert Path(first.file).name == "采购.csv"
    assert region.read("drug_purchases").num_rows == 0  # atomic: nothing stored


CHECKUPS = f"""
体检编号,身份证号,体检机构,体检类别,体检日期
K1,{RESIDENT_A},T1,老年人年度健康管理,2025-05-10
K2,{RESIDENT_B},T1,periodic,2025-05-11
"""


def test_checkups_are_imported_with_pseudonyms_and_codes(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    report = ingest_file(region, "health_checkups", write_csv(CHECKUPS), key=KEY)
    assert report.status == "committed", report.rejections
    rows = region.read("health_checkups")
    assert sorted(rows["kind"].to_pylist()) == ["elderly_annual", "periodic"]
    assert RESIDENT_A not in str(rows.to_pylist())  # the identity number is never stored
    assert all(len(p) == 32 for p in rows["person_id"].to_pylist())


def test_a_checkup_of_an_unknown_person_or_kind_is_a_row_error(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    stranger = make_id("19500101", 21)
    text = f"""
    checkup_id,id_number,institution_id,kind,checkup_date
    K1,{stranger},T1,elderly_annual,2025-05-10
    K2,{RESIDENT_A},T1,yearly,2025-05-10
    """
    report = ingest_file(region, "health_checkups", write_csv(text), key=KEY)
    assert report.status == "rejected"
    assert [(row, col) for row, col, _ in _found(report)] == [(2, "id_number"), (3, "kind")]
    assert region.read("health_checkups").num_rows == 0


def test_the_register_takes_the_essential_drug_flag(region: Warehouse, write_csv: WriteCsv) -> None:
    text = """
    机构编码,实有床位,配备使用国家基本药物
    T1,40,是
    H1,300,
    """
    report = ingest_file(region, "resources", write_csv(text), key=KEY)
    assert report.status == "committed", report.rejections
    rows = region.read("resources", columns=["org_id", "essential_drugs"]).to_pylist()
    assert sorted(rows, key=lambda r: r["org_id"]) == [
        {"org_id": "H1", "essential_drugs": None},
        {"org_id": "T1", "essential_drugs": True},
    ]

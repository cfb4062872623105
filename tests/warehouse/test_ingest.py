"""Ingestion (yigai.warehouse.ingest): validation rules, personal data, atomicity, idempotency.

Source of every rule: the task brief (“the spine”, ingestion half of item 2) and
docs/CONTRACTS.md “Warehouse API”; record definitions from src/yigai/records/schemas.py.
Expected values are computed by hand in each test.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yigai.people import identity
from yigai.records import schemas
from yigai.warehouse import Warehouse, store, versioned
from yigai.warehouse.ingest import ingest_file, ingest_table

from .conftest import KEY, ORGS_CSV, RESIDENT_A, RESIDENT_B, make_id

WriteCsv = Callable[..., Path]

COSTS = ",".join(name.removesuffix("_fen") for name, _, _ in schemas.COST_FIELDS)


def encounter_line(
    eid: str, id_number: str, day: str = "2025-03-05", drug: str = "51.03", total: str = "51.03"
) -> str:
    # outpatient: event_date = visit_date; only the western-drug line is non-zero
    zeros = ",".join(["0"] * (len(schemas.COST_FIELDS) - 1))
    return f"{eid},{id_number},H1,outpatient,{day},,{day},I10,否,walk_in,{drug},{zeros},{total},0"


ENC_HEADER = (
    "encounter_id,id_number,institution_id,care_type,visit_date,discharge_date,event_date,"
    f"diagnosis_code,is_tcm,booking,{COSTS},cost_total,out_of_scope"
)


def found(report) -> list[tuple[int | None, str | None, str]]:
    return [(r.row, r.column, r.en) for r in report.rejections]


# ------------------------------------------------------------------ happy paths


def test_csv_is_committed_with_typed_columns(wh: Warehouse, write_csv: WriteCsv) -> None:
    report = ingest_file(wh, "org_units", write_csv(ORGS_CSV), key=KEY)
    assert (report.status, report.rows_read, report.rows_stored) == ("committed", 3, 3)
    stored = wh.read("org_units")
    assert stored.num_rows == 3
    assert stored.filter(pc.equal(stored["org_id"], "H1"))["inst_type"].to_pylist() == [
        "county_general"
    ]


def test_gb18030_csv_with_chinese_headers_is_imported(wh: Warehouse, write_csv: WriteCsv) -> None:
    text = """
    机构编码,上级编码,层级,名称
    C1,,county,某县
    """
    report = ingest_file(wh, "org_units", write_csv(text, encoding="gb18030"), key=KEY)
    assert report.status == "committed", report.rejections
    assert wh.read("org_units")["name"].to_pylist() == ["某县"]


def test_xlsx_is_imported_with_sheet_row_numbers(wh: Warehouse, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["org_id", "kind", "name", "beds"])
    sheet.append(["C1", "county", "某县", None])
    sheet.append(["C2", "county", "另一县", -5])
    path = tmp_path / "orgs.xlsx"
    book.save(path)
    report = ingest_file(wh, "org_units", path, key=KEY)
    assert report.status == "rejected"
    assert found(report) == [(3, "beds", "below the minimum 0")]


def test_parquet_file_is_imported(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "orgs.parquet"
    pq.write_table(
        pa.table(
            {
                "org_id": ["C1"],
                "kind": ["county"],
                "name": ["某县"],
                "beds": pa.array([3], pa.int32()),
            }
        ),
        path,
    )
    report = ingest_file(wh, "org_units", path, key=KEY)
    assert report.status == "committed", report.rejections
    assert wh.read("org_units")["beds"].to_pylist() == [3]


def test_encounters_yuan_become_fen_and_months_partition(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    """51.03 元 → 5103 分; rows of 2025-01 and 2025-03 land in two month partitions."""
    text = "\n".join(
        [
            ENC_HEADER,
            encounter_line("E1", RESIDENT_A, "2025-03-05"),
            encounter_line("E2", RESIDENT_B, "2025/1/31"),
        ]
    )
    report = ingest_file(region, "encounters", write_csv(text), key=KEY)
    assert report.status == "committed", report.rejections
    assert report.batch is not None and report.batch.months == {202501: 1, 202503: 1}
    stored = region.read("encounters", months=[202503])
    assert stored["cost_total_fen"].to_pylist() == [5103]
    assert stored["month"].to_pylist() == [202503]
    assert stored["person_id"].to_pylist() == [identity.pseudonym(RESIDENT_A, KEY)]


def test_amount_with_three_decimals_is_rejected(region: Warehouse, write_csv: WriteCsv) -> None:
    text = "\n".join([ENC_HEADER, encounter_line("E1", RESIDENT_A, drug="51.035", total="51.04")])
    report = ingest_file(region, "encounters", write_csv(text), key=KEY)
    assert report.status == "rejected"
    assert (
        2,
        "cost_drug_western",
        "amount has more than two decimals (yuan); it is not rounded",
    ) in found(report)


def test_money_in_fen_columns_is_taken_as_integer_fen(wh: Warehouse, region: Warehouse) -> None:
    table = ingest_ready_encounters(["E1"], cost=5103)
    report = ingest_table(region, "encounters", table, source="synth:test", key=KEY)
    assert report.status == "committed", report.rejections
    assert region.read("encounters")["cost_total_fen"].to_pylist() == [5103]


def ingest_ready_encounters(
    ids: list[str], cost: int = 100, day: dt.date = dt.date(2025, 3, 5)
) -> pa.Table:
    n = len(ids)
    data = {
        "encounter_id": ids,
        "person_id": [identity.pseudonym(RESIDENT_A, KEY)] * n,
        "institution_id": ["H1"] * n,
        "care_type": ["outpatient"] * n,
        "visit_date": pa.array([day] * n, pa.date32()),
        "event_date": pa.array([day] * n, pa.date32()),
        "diagnosis_code": ["I10"] * n,
        "is_tcm": [False] * n,
        "booking": ["walk_in"] * n,
    }
    for name, _, _ in schemas.COST_FIELDS:
        data[name] = [cost if name == "cost_drug_western_fen" else 0] * n
    data["cost_total_fen"] = [cost] * n
    data["out_of_scope_fen"] = [0] * n
    return pa.table(data)


# ------------------------------------------------------------------ whole-file errors


def test_missing_required_column_rejects_the_file(wh: Warehouse, write_csv: WriteCsv) -> None:
    report = ingest_file(wh, "org_units", write_csv("org_id,name\nC1,某县\n"), key=KEY)
    assert report.status == "rejected"
    ((row, column, en),) = found(report)
    assert row is None and column == "kind" and "kind" in en
    assert "缺少必填列" in report.rejections[0].zh


def test_unknown_column_rejects_the_file(wh: Warehouse, write_csv: WriteCsv) -> None:
    report = ingest_file(
        wh, "org_units", write_csv("org_id,kind,name,colour\nC1,county,x,red\n"), key=KEY
    )
    ((row, column, en),) = found(report)
    assert (row, column) == (None, "colour")
    assert en.startswith("org_units has no columns colour.")


def test_money_given_both_in_yuan_and_fen_rejects_the_file(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    text = ENC_HEADER + ",cost_total_fen\n" + encounter_line("E1", RESIDENT_A) + ",5103\n"
    report = ingest_file(region, "encounters", write_csv(text), key=KEY)
    assert report.status == "rejected"
    assert report.rejections[0].row is None and "cost_total" in report.rejections[0].en


def test_empty_file_is_rejected(wh: Warehouse, write_csv: WriteCsv) -> None:
    report = ingest_file(wh, "org_units", write_csv("org_id,kind,name"), key=KEY)
    assert found(report) == [(None, None, "the file has no data rows")]


# ------------------------------------------------------------------ row rules


def test_bad_cells_are_reported_with_file_row_and_column(
    wh: Warehouse, write_csv: WriteCsv
) -> None:
    text = """
    org_id,kind,name,beds
    C1,county,某县,10
    C2,planet,,x
    """
    report = ingest_file(wh, "org_units", write_csv(text, "orgs.csv"), key=KEY)
    assert report.status == "rejected"
    assert {r.file for r in report.rejections} == {"orgs.csv"}
    assert sorted(found(report)) == [
        (3, "beds", "not an integer"),
        (
            3,
            "kind",
            "not a valid code (allowed: province (省), city (市), county (县), community (医共体), "
            "institution (机构))",
        ),
        (3, "name", "required value is missing"),
    ]
    assert report.rows_rejected == 1


def test_row_check_institution_needs_type_level_and_ownership(
    wh: Warehouse, write_csv: WriteCsv
) -> None:
    report = ingest_file(
        wh, "org_units", write_csv("org_id,kind,name\nH1,institution,医院\n"), key=KEY
    )
    assert found(report) == [
        (2, "inst_type", "an institution needs inst_type, level and ownership")
    ]


def test_row_check_cost_total_must_equal_the_lines(region: Warehouse, write_csv: WriteCsv) -> None:
    text = "\n".join([ENC_HEADER, encounter_line("E1", RESIDENT_A, drug="51.03", total="51.04")])
    report = ingest_file(region, "encounters", write_csv(text), key=KEY)
    assert found(report) == [(2, "cost_total", "total is not the sum of cost lines")]


def test_duplicate_keys_within_the_batch_reject_every_copy(
    wh: Warehouse, write_csv: WriteCsv
) -> None:
    text = """
    org_id,kind,name
    C1,county,a
    C2,county,b
    C1,county,c
    """
    report = ingest_file(wh, "org_units", write_csv(text), key=KEY)
    assert found(report) == [
        (2, "org_id", "the key appears more than once in this batch"),
        (4, "org_id", "the key appears more than once in this batch"),
    ]


def test_key_already_stored_is_rejected_as_duplicate(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    report = ingest_file(
        region,
        "org_units",
        write_csv("org_id,kind,name\nC9,county,新县\nH1,county,重复\n"),
        key=KEY,
    )
    # A registry row is versioned: another row for a stored version is an edit, refused.
    assert found(report) == [(3, "org_id", versioned.EDITED[1])]
    assert region.read("org_units").num_rows == 3


def test_stored_duplicate_check_covers_composite_keys(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    text = "community_id,institution_id,role,valid_from\nC1,H1,lead,2024-01-01\n"
    assert (
        ingest_file(region, "community_members", write_csv(text, "m1.csv"), key=KEY).status
        == "committed"
    )
    again = text + "C1,H1,lead,2024-06-01\n"
    report = ingest_file(region, "community_members", write_csv(again, "m2.csv"), key=KEY)
    assert found(report) == [(2, "community_id", "the key is already stored (duplicate import)")]


def test_foreign_key_must_exist(region: Warehouse, write_csv: WriteCsv) -> None:
    other = make_id("19900101", 5)
    text = f"id_number,sex,birth_date,home_unit_id,scheme,registered_on\n{other},M,1990-01-01,NOWHERE,resident,2021-01-01\n"
    report = ingest_file(region, "residents", write_csv(text), key=KEY)
    assert found(report) == [(2, "home_unit_id", "not found in org_units")]


def test_encounter_of_an_unknown_resident_is_rejected(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    stranger = make_id("19700101", 7)
    text = "\n".join([ENC_HEADER, encounter_line("E1", stranger)])
    report = ingest_file(region, "encounters", write_csv(text), key=KEY)
    assert found(report) == [(2, "id_number", "not found in residents")]


def test_month_column_must_match_the_partition_date(region: Warehouse) -> None:
    table = ingest_ready_encounters(["E1"]).append_column("month", pa.array([202502], pa.int32()))
    report = ingest_table(region, "encounters", table, source="synth", key=KEY)
    assert found(report) == [(1, "month", "month does not match event_date")]


# ------------------------------------------------------------------ personal data


def test_raw_identity_numbers_and_names_are_never_stored(
    wh: Warehouse, write_csv: WriteCsv, region: Warehouse
) -> None:
    stored = {p: p.read_bytes() for p in wh.root.rglob("*") if p.is_file()}
    assert stored
    for raw in (RESIDENT_A, RESIDENT_B, "张三丰", "李四", "三丰"):
        needles = (raw.encode(), raw.encode("utf-16-le"), raw.encode("gb18030"))
        assert not any(n in data for data in stored.values() for n in needles), raw
    residents = wh.read("residents")
    assert sorted(residents["name_masked"].to_pylist()) == ["张**", "李*"]
    assert sorted(residents["id_masked"].to_pylist()) == sorted(
        identity.mask(x) for x in (RESIDENT_A, RESIDENT_B)
    )


def test_rejection_reports_mask_identity_numbers(
    region: Warehouse, write_csv: WriteCsv, tmp_path: Path
) -> None:
    bad_check = RESIDENT_A[:-1] + ("0" if RESIDENT_A[-1] != "0" else "1")
    text = f"id_number,name,sex,birth_date,home_unit_id,scheme,registered_on\n{bad_check},王小明,M,1949-12-31,T1,resident,2020-01-01\n"
    report = ingest_file(region, "residents", write_csv(text), key=KEY)
    assert found(report) == [(2, "id_number", "identity number check digit is wrong")]
    assert report.rejections[0].value == identity.mask(bad_check)
    out = report.write(tmp_path / "errors.csv")
    assert bad_check.encode() not in out.read_bytes()


def test_person_id_given_directly_must_be_a_pseudonym(region: Warehouse) -> None:
    table = ingest_ready_encounters(["E1"]).set_column(1, "person_id", pa.array([RESIDENT_A]))
    report = ingest_table(region, "encounters", table, source="synth", key=KEY)
    assert report.status == "rejected"
    assert {r.en for r in report.rejections} >= {
        "person_id must be a pseudonym (32 hex); put raw identity numbers in id_number"
    }
    assert {r.value for r in report.rejections} == {identity.mask(RESIDENT_A)}


# ------------------------------------------------------------------ atomicity and idempotency


def test_bad_row_rejects_whole_batch_and_stores_nothing(wh: Warehouse, write_csv: WriteCsv) -> None:
    report = ingest_file(
        wh, "org_units", write_csv("org_id,kind,name\nC1,county,a\nC2,bad,b\n"), key=KEY
    )
    assert (report.status, report.rows_stored) == ("rejected", 0)
    assert wh.batches() == [] and wh.read("org_units").num_rows == 0
    assert list(wh.root.rglob("*.parquet")) == []


def test_accept_partial_stores_only_good_rows(wh: Warehouse, write_csv: WriteCsv) -> None:
    path = write_csv("org_id,kind,name\nC1,county,a\nC2,bad,b\nC3,county,c\n")
    report = ingest_file(wh, "org_units", path, accept_partial=True, key=KEY)
    assert (report.status, report.rows_read, report.rows_stored, report.rows_rejected) == (
        "committed",
        3,
        2,
        1,
    )
    assert sorted(wh.read("org_units")["org_id"].to_pylist()) == ["C1", "C3"]
    assert [r.row for r in report.rejections] == [3]


def test_reimport_of_the_same_file_is_a_no_op(wh: Warehouse, write_csv: WriteCsv) -> None:
    path = write_csv(ORGS_CSV)
    first = ingest_file(wh, "org_units", path, key=KEY)
    files_before = sorted(wh.root.rglob("*"))
    again = ingest_file(wh, "org_units", path, key=KEY)
    assert again.status == "already_imported" and again.batch_id == first.batch_id
    assert sorted(wh.root.rglob("*")) == files_before
    assert wh.read("org_units").num_rows == 3


def test_reimport_of_the_same_table_is_a_no_op(region: Warehouse) -> None:
    table = ingest_ready_encounters(["E1", "E2"])
    assert ingest_table(region, "encounters", table, source="s", key=KEY).status == "committed"
    assert (
        ingest_table(region, "encounters", table, source="s", key=KEY).status == "already_imported"
    )
    assert region.read("encounters").num_rows == 2


def test_crash_before_commit_leaves_prior_data_and_retry_succeeds(
    region: Warehouse, write_csv: WriteCsv, monkeypatch
) -> None:
    before = region.read("org_units")
    path = write_csv("org_id,kind,name\nC7,county,七县\n", "more.csv")

    def crash(*args: object) -> int:
        raise OSError("power cut")

    monkeypatch.setattr(store, "_write_commit", crash)
    with pytest.raises(OSError, match="power cut"):
        ingest_file(region, "org_units", path, key=KEY)
    assert region.read("org_units").equals(before)
    assert not (region.root / "_lock").exists()
    monkeypatch.undo()
    assert len(region.vacuum()) == 1
    assert ingest_file(region, "org_units", path, key=KEY).status == "committed"
    assert region.read("org_units").num_rows == before.num_rows + 1


def test_empty_table_commits_an_empty_batch(wh: Warehouse) -> None:
    table = pa.table(
        {
            "org_id": pa.array([], pa.string()),
            "kind": pa.array([], pa.string()),
            "name": pa.array([], pa.string()),
        }
    )
    report = ingest_table(wh, "org_units", table, source="s", key=KEY)
    assert (report.status, report.rows_stored) == ("committed", 0)
    assert wh.read("org_units").num_rows == 0


# ------------------------------------------------------------------ property


ROW = st.tuples(st.booleans(), st.sampled_from(["kind", "name", "beds"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=30))
def test_stored_plus_rejected_equals_input_and_stored_are_the_good_rows(
    rows: list[tuple[bool, str]],
) -> None:
    ids, kinds, names, beds, good_ids = [], [], [], [], set()
    for i, (good, broken) in enumerate(rows):
        ids.append(f"O{i}")
        kinds.append("county" if good or broken != "kind" else "galaxy")
        names.append("名" if good or broken != "name" else "")
        beds.append("5" if good or broken != "beds" else "-1")
        if good:
            good_ids.add(f"O{i}")
    table = pa.table({"org_id": ids, "kind": kinds, "name": names, "beds": beds})
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(tmp)
        report = ingest_table(wh, "org_units", table, source="prop", accept_partial=True, key=KEY)
        stored = set(wh.read("org_units")["org_id"].to_pylist())
    assert report.rows_stored + report.rows_rejected == len(rows)
    assert stored == good_ids
    assert {r.row for r in report.rejections} == {i + 1 for i, (g, _) in enumerate(rows) if not g}


def test_table_with_identity_numbers_is_pseudonymised(region: Warehouse) -> None:
    table = ingest_ready_encounters(["E1", "E2"]).drop_columns(["person_id"])
    table = table.append_column("id_number", pa.array([RESIDENT_A, RESIDENT_B]))
    report = ingest_table(region, "encounters", table, source="synth", key=KEY)
    assert report.status == "committed", report.rejections
    expected = sorted(identity.pseudonym(x, KEY) for x in (RESIDENT_A, RESIDENT_B))
    assert sorted(region.read("encounters")["person_id"].to_pylist()) == expected


def test_money_under_its_chinese_label_is_read_as_yuan(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    """医疗总费用 12.50 元 → 1250 分."""
    labels = {name.removesuffix("_fen"): zh for name, zh, _ in schemas.COST_FIELDS}
    labels["cost_total"] = "医疗总费用"
    header = ",".join(labels.get(c, c) for c in ENC_HEADER.split(","))
    text = "\n".join([header, encounter_line("E1", RESIDENT_A, drug="12.5", total="12.50")])
    report = ingest_file(region, "encounters", write_csv(text), key=KEY)
    assert report.status == "committed", report.rejections
    assert region.read("encounters")["cost_total_fen"].to_pylist() == [1250]


def test_ragged_rows_count_as_rejected_rows(wh: Warehouse, write_csv: WriteCsv) -> None:
    path = write_csv("org_id,kind,name\nC1,county,a\nC2,county,b,extra\n")
    report = ingest_file(wh, "org_units", path, accept_partial=True, key=KEY)
    assert (report.rows_read, report.rows_stored, report.rows_rejected) == (2, 1, 1)
    assert found(report) == [(3, None, "the row has 4 cells but the header has 3")]


def test_ingest_while_another_writer_holds_the_lock_raises(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    from yigai.warehouse import LockHeldError

    with region.lock(), pytest.raises(LockHeldError):
        ingest_file(
            Warehouse(region.root, lock_timeout=0.5),
            "org_units",
            write_csv("org_id,kind,name\nC5,county,x\n"),
            key=KEY,
        )
    assert region.read("org_units").num_rows == 3


def test_unmasked_name_in_name_masked_column_is_rejected_and_shown_masked(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    other = make_id("19900101", 5)
    text = f"id_number,name_masked,sex,birth_date,home_unit_id,scheme,registered_on\n{other},王小明,M,1990-01-01,T1,resident,2021-01-01\n"
    report = ingest_file(region, "residents", write_csv(text), key=KEY)
    assert found(report) == [
        (2, "name_masked", "name_masked is not masked; put raw names in the name column")
    ]
    assert report.rejections[0].value == "王**"


def test_accept_partial_with_no_good_row_stores_no_batch(
    wh: Warehouse, write_csv: WriteCsv
) -> None:
    path = write_csv("org_id,kind,name\nC1,county,a,extra\n")
    report = ingest_file(wh, "org_units", path, accept_partial=True, key=KEY)
    assert (report.status, report.rows_stored) == ("rejected", 0)
    assert wh.batches() == []


def test_missing_file_is_a_rejection_not_a_crash(wh: Warehouse, tmp_path: Path) -> None:
    report = ingest_file(wh, "org_units", tmp_path / "nope.csv", key=KEY)
    assert report.status == "rejected"
    assert report.rejections[0].zh.startswith("无法读取文件")


def test_stored_reference_keys_are_read_once_across_batches(
    region: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch used to read the whole referenced registry again (quadratic when a region
    of 10 million residents is stored chunk by chunk); a committed file's keys are read once."""
    import pyarrow.dataset as ds

    opened: list[str] = []
    real = ds.dataset
    monkeypatch.setattr(ds, "dataset", lambda src, **k: opened.append(str(src)) or real(src, **k))

    def residents_read() -> int:
        return sum("residents" in text for text in opened)

    first = ingest_table(region, "encounters", ingest_ready_encounters(["E1"]), source="a", key=KEY)
    seen = residents_read()
    second = ingest_table(
        region, "encounters", ingest_ready_encounters(["E2"]), source="b", key=KEY
    )
    assert first.status == second.status == "committed"
    assert seen and residents_read() == seen

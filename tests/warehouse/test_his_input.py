"""Ordinary HIS and Excel output at import (issue 13, item 4): accepted, or refused with a
message saying what to change.

Source: issue 13 — blank lines are skipped; a date with a time of day gives its date;
``2025年12月10日`` and Excel serial dates are read; Chinese names of codes (县 / 公立 / 男 / 女)
map to the codes; full-width digits are normalised and never make a second person; an
identity number Excel turned into ``4.4E+17`` is refused with how to fix the cell format;
event dates after the import day are refused, planned dates (due dates) are not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from yigai.records import docs, labels, schemas
from yigai.records.fields import Field, Kind
from yigai.warehouse import Warehouse
from yigai.warehouse import convert as cv
from yigai.warehouse.ingest import ingest_file
from yigai.warehouse.readers import read_csv, read_xlsx

from .conftest import KEY, RESIDENT_A

DAY = Field("visit_date", Kind.DATE, "就诊日期", "visit date")
DUE = Field("next_due", Kind.DATE, "下次随访日期", "next follow-up due", planned=True)
TODAY = dt.date(2025, 12, 10)


def _dates(*cells: str, f: Field = DAY, today: dt.date | None = None) -> cv.Converted:
    values = pa.array(cells, pa.string())
    return cv.convert(f, values) if today is None else cv.convert(f, values, today)


def _full_width(text: str) -> str:
    """The full-width form a Chinese input method types (１２３Ｘ)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ------------------------------------------------------------------ blank lines


def test_blank_lines_and_rows_of_bare_commas_are_skipped_in_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("org_id,kind,name\nC1,county,某县\n\n , ,\nC2,county,另一县\n")
    raw = read_csv(path)
    assert raw.table["org_id"].to_pylist() == ["C1", "C2"]
    assert raw.rows.tolist() == [2, 5]  # the rows a spreadsheet shows


# ------------------------------------------------------------------ dates


def test_a_date_with_a_time_of_day_gives_its_date() -> None:
    out = _dates("2025-12-10 14:30:05", "2025/12/9 8:05", "20251208T23:59")
    assert not out.problems
    assert out.array.to_pylist() == [
        dt.date(2025, 12, 10),
        dt.date(2025, 12, 9),
        dt.date(2025, 12, 8),
    ]


def test_an_impossible_time_of_day_is_still_refused() -> None:
    assert _dates("2025-12-10 25:00").problems


def test_a_chinese_date_is_read() -> None:
    out = _dates("2025年12月10日", "2025年1月5日")
    assert not out.problems
    assert out.array.to_pylist() == [dt.date(2025, 12, 10), dt.date(2025, 1, 5)]


def test_a_five_digit_number_is_an_excel_serial_date() -> None:
    out = _dates("45996", "45996.0")
    assert not out.problems
    assert out.array.to_pylist() == [dt.date(2025, 12, 5)] * 2


def test_an_invalid_date_message_names_the_accepted_forms() -> None:
    (problem,) = _dates("10-12-2025").problems
    assert "YYYY年M月D日" in problem.zh and "Excel" in problem.en


def test_xlsx_dates_with_a_time_and_serial_numbers_are_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["visit_date"])
    sheet.append([dt.datetime(2025, 12, 10, 9, 15)])  # a date-time cell, as HIS exports it
    sheet.append([45996])  # a date cell formatted as "General": Excel shows its serial
    path = tmp_path / "dates.xlsx"
    book.save(path)
    out = cv.convert(DAY, read_xlsx(path).table["visit_date"])
    assert not out.problems
    assert out.array.to_pylist() == [dt.date(2025, 12, 10), dt.date(2025, 12, 5)]


# ------------------------------------------------------------------ dates after the import day


def test_an_event_dated_on_the_import_day_is_accepted() -> None:
    assert not _dates("2025-12-10", today=TODAY).problems


def test_an_event_dated_the_day_after_the_import_day_is_refused() -> None:
    (problem,) = _dates("2025-12-11", today=TODAY).problems
    assert problem.mask.tolist() == [True]
    assert "晚于导入当天" in problem.zh and "2025-12-10" in problem.en


def test_an_event_in_the_future_is_refused_from_typed_input_too() -> None:
    out = cv.convert(DAY, pa.array([dt.date(2025, 12, 11)], pa.date32()), TODAY)
    assert len(out.problems) == 1


def test_a_planned_date_may_lie_after_the_import_day() -> None:
    assert not _dates("2026-03-01", f=DUE, today=TODAY).problems


def test_due_and_contract_dates_are_the_planned_ones() -> None:
    planned = {(rs.name, f.name) for rs in schemas.ALL for f in rs.fields if f.planned}
    assert ("followups", "next_due") in planned and ("contracts", "valid_to") in planned
    assert ("encounters", "visit_date") not in planned


FOLLOWUP = (
    "followup_id,case_id,id_number,disease,institution_id,followup_date,mode,classification,"
    "action,next_due\n"
    "F1,K1,{id},hypertension,T1,{date},clinic,controlled,continue,{due}\n"
)


def test_ingest_refuses_a_followup_dated_after_the_import_day(region: Warehouse, write_csv) -> None:
    text = FOLLOWUP.format(id=RESIDENT_A, date="2025-12-11", due="2026-03-11")
    report = ingest_file(region, "followups", write_csv(text), key=KEY, today=TODAY)
    assert report.status == "rejected"
    assert [(r.row, r.column) for r in report.rejections] == [(2, "followup_date")]


def test_ingest_accepts_a_followup_due_after_the_import_day(region: Warehouse, write_csv) -> None:
    text = FOLLOWUP.format(id=RESIDENT_A, date="2025-12-10", due="2026-03-10")
    report = ingest_file(region, "followups", write_csv(text), key=KEY, today=TODAY)
    assert report.status == "committed", report.rejections


# ------------------------------------------------------------------ Chinese names of codes


def test_chinese_names_of_codes_are_stored_as_the_codes() -> None:
    f = schemas.ORG_UNITS.field("kind")
    out = cv.convert(f, pa.array(["县", "county", "County", "机构"]))
    assert not out.problems
    assert out.array.to_pylist() == ["county", "county", "county", "institution"]


def test_sex_and_ownership_take_their_chinese_names() -> None:
    sex = cv.convert(schemas.RESIDENTS.field("sex"), pa.array(["男", "女", "f"]))
    owner = cv.convert(schemas.ORG_UNITS.field("ownership"), pa.array(["公立", "非公立"]))
    assert sex.array.to_pylist() == ["M", "F", "F"]
    assert owner.array.to_pylist() == ["public", "private"]


def test_a_chinese_name_with_full_width_brackets_matches() -> None:
    f = schemas.STAFF.field("profession")
    assert labels.PROFESSION["doctor"] == "执业（助理）医师"
    out = cv.convert(f, pa.array(["执业(助理)医师", "执业（助理）医师"]))
    assert out.array.to_pylist() == ["doctor", "doctor"] and not out.problems


def test_an_unknown_code_message_lists_the_chinese_names() -> None:
    (problem,) = cv.convert(schemas.RESIDENTS.field("sex"), pa.array(["未知"])).problems
    assert "M（男）" in problem.zh and "F（女）" in problem.zh


def test_every_code_of_every_enum_field_has_a_chinese_name() -> None:
    """The import docs list these names; a code without one would be missing there."""
    for rs in (r for r in schemas.ALL if r is not schemas.BY_NAME["claims"]):
        for f in rs.fields:
            if f.kind is Kind.ENUM:
                assert set(f.labels) == set(f.choices or ()), (rs.name, f.name)


# ------------------------------------------------------------------ full-width text


def test_full_width_digits_are_read_as_ascii() -> None:
    f = Field("beds", Kind.INT, "床位", "beds")
    assert cv.convert(f, pa.array(["１２０"])).array.to_pylist() == [120]


def test_a_full_width_identity_number_is_the_same_person() -> None:
    ids = cv.identities(pa.array([RESIDENT_A, _full_width(RESIDENT_A)]), KEY)
    assert not ids.problems
    assert ids.person_id[0] == ids.person_id[1]


def test_a_full_width_copy_of_a_stored_resident_is_not_a_second_person(
    region: Warehouse, write_csv
) -> None:
    stored = set(region.read("residents")["person_id"].to_pylist())
    # Sex and birth are left to the identity number, whatever the schema derives from it.
    text = (
        "id_number,name,home_unit_id,scheme,registered_on\n"
        f"{_full_width(RESIDENT_A)},张三丰,T1,resident,2020-01-05\n"
    )
    report = ingest_file(region, "residents", write_csv(text, "again.csv"), key=KEY)
    assert not [r for r in report.rejections if r.column == "id_number"]
    assert report.rows_stored == 0
    assert set(region.read("residents")["person_id"].to_pylist()) == stored


def test_a_record_with_a_full_width_identity_number_links_to_the_stored_person(
    region: Warehouse, write_csv
) -> None:
    text = FOLLOWUP.format(id=_full_width(RESIDENT_A), date="2025-12-10", due="")
    report = ingest_file(region, "followups", write_csv(text), key=KEY, today=TODAY)
    assert report.status == "committed", report.rejections
    (followup,) = region.read("followups").to_pylist()
    residents = region.read("residents").to_pylist()
    assert followup["person_id"] in {r["person_id"] for r in residents}


# ------------------------------------------------------------------ Excel number columns


@pytest.mark.parametrize("cell", ["4.40823E+17", "1.10105194912311E+17", "110105194912310000.0"])
def test_an_identity_number_excel_made_a_number_says_how_to_fix_the_cell(cell: str) -> None:
    (problem,) = cv.identities(pa.array([cell]), KEY).problems
    assert "科学计数法" in problem.zh and "文本" in problem.zh
    assert "format the column as Text" in problem.en


def test_an_identity_number_in_an_xlsx_number_cell_is_named_as_excels_doing(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id_number"])
    sheet.append([float(RESIDENT_A[:17] + "0")])  # what Excel keeps of a typed number
    path = tmp_path / "ids.xlsx"
    book.save(path)
    (problem,) = cv.identities(read_xlsx(path).table["id_number"], KEY).problems
    assert "科学计数法" in problem.zh


# ------------------------------------------------------------------ over-long cells


def test_a_cell_over_the_limit_is_refused_naming_row_and_column(
    region: Warehouse, write_csv: Callable[..., Path]
) -> None:
    huge = "某" * (cv.MAX_CELL_CHARS + 1)
    path = write_csv(f"org_id,kind,name\nC9,county,{huge}\n", "long.csv")
    report = ingest_file(region, "org_units", path, key=KEY)
    assert report.status == "rejected"
    (problem,) = report.rejections
    assert (problem.row, problem.column) == (2, "name")
    assert str(cv.MAX_CELL_CHARS) in problem.zh and len(problem.value or "") < 100


def test_the_import_docs_state_the_cell_limit() -> None:
    assert any(f"{cv.MAX_CELL_CHARS} 个字符" in rule for rule in docs.RULES)


def test_a_cell_at_the_limit_is_accepted(region: Warehouse, write_csv) -> None:
    name = "某" * cv.MAX_CELL_CHARS
    path = write_csv(f"org_id,kind,name\nC9,county,{name}\n", "long.csv")
    assert ingest_file(region, "org_units", path, key=KEY).status == "committed"

"""上报数据模板: the XLSX a county fills in, and its round trip through the importer."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from yigai.aggregates import import_file, make_template
from yigai.aggregates.layout import CODES_SHEET, DATA_SHEET, INSTRUCTIONS_SHEET


def test_template_has_instructions_data_and_code_sheets(tmp_path: Path, catalogue) -> None:
    path = make_template(tmp_path / "t.xlsx", catalogue, {"county-a": "甲县"}, ["202503"])
    wb = load_workbook(path)
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, DATA_SHEET, CODES_SHEET]
    data = wb[DATA_SHEET]
    assert data["A1"].value == "指标编码\nindicator_id"
    assert data["C1"].value == "统计周期\nperiod_id"
    assert "填报说明" in wb[INSTRUCTIONS_SHEET]["A1"].value


def test_template_prefills_every_indicator_org_period(tmp_path: Path, catalogue) -> None:
    path = make_template(
        tmp_path / "t.xlsx",
        catalogue,
        {"county-a": "甲县", "county-b": "乙县"},
        ["202503", "202504"],
    )
    data = load_workbook(path)[DATA_SHEET]
    keys = {(r[0], r[1], r[2]) for r in data.iter_rows(min_row=2, values_only=True) if r[0]}
    assert len(keys) == len(catalogue) * 2 * 2
    assert ("in_county_visit_rate", "county-b", "202504") in keys


def test_template_has_dropdowns_for_indicator_org_period_and_money_unit(
    tmp_path: Path, catalogue
) -> None:
    path = make_template(tmp_path / "t.xlsx", catalogue, ["county-a"], ["202503"])
    data = load_workbook(path)[DATA_SHEET]
    formulas = sorted(dv.formula1 for dv in data.data_validations.dataValidation)
    assert len(formulas) == 4 and all(CODES_SHEET in f for f in formulas)


def test_filled_template_imports(tmp_path: Path, db_session, catalogue, orgs) -> None:
    path = make_template(tmp_path / "t.xlsx", catalogue[:1], ["county-a"], ["202503"])
    wb = load_workbook(path)
    data = wb[DATA_SHEET]
    data["D2"], data["E2"] = "900", 1000  # one typed as text, one as a number
    wb.save(path)
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert (report.status, report.stored, report.blank) == ("committed", 1, 0)


def test_an_untouched_template_imports_nothing(tmp_path: Path, db_session, catalogue, orgs) -> None:
    path = make_template(tmp_path / "t.xlsx", catalogue, ["county-a"], ["202503"])
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert (report.status, report.blank) == ("unchanged", len(catalogue))

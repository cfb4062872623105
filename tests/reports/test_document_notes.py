"""Every document says what governs it (issue 14 §2): a synthetic report says 合成示范数据 in
each format, prints its deployment's rules and the warehouse versions it read in its 说明;
a report of real data says neither. Whether the data are synthetic is decided by assembly
(test_assemble.py), so here the writers are fed ReportData as assembly leaves it."""

from __future__ import annotations

from pathlib import Path

import docx
import lxml.html
import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from yigai.reports import write_quarterly_bulletin
from yigai.reports.notes_section import SYNTHETIC_MARK

from .factories import make_data

GOVERNANCE = ["部署 合成示范区域（demo）：全部机构 适用工作方案 demo-2025，目标 demo_2025"]
VERSIONS = {"encounters": 7, "org_units": 2}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    data = make_data(
        "2025Q1", synthetic=True, governance_zh=GOVERNANCE, warehouse_versions=VERSIONS
    )
    return write_quarterly_bulletin(data, tmp_path_factory.mktemp("synthetic"))


def _docx_text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_docx_of_synthetic_data_says_so_in_the_header_of_every_page(synthetic):
    section = docx.Document(str(synthetic["docx"])).sections[0]
    for header in (section.header, section.even_page_header):
        assert SYNTHETIC_MARK in header.paragraphs[0].text


def test_docx_notes_print_the_deployment_and_the_warehouse_versions(synthetic):
    text = _docx_text(synthetic["docx"])
    notes = text[text.index("说明：") :]
    assert SYNTHETIC_MARK in notes and GOVERNANCE[0] in notes
    assert "encounters v7、org_units v2" in notes and "yigai warehouse snapshot" in notes


def test_docx_properties_record_the_warehouse_versions(synthetic):
    comments = docx.Document(str(synthetic["docx"])).core_properties.comments
    assert "encounters:7 org_units:2" in comments and SYNTHETIC_MARK in comments


def test_versions_too_long_for_a_property_point_to_the_notes():
    """DOCX core properties hold 255 characters: a warehouse of many tables is listed in the
    说明 and the property says where, rather than failing the whole report."""
    from yigai.reports.notes_section import PROPERTY_LIMIT, properties_text

    many = {f"record_set_{i:02d}": i for i in range(40)}
    text = properties_text(make_data("2025Q1", synthetic=True, warehouse_versions=many))
    assert len(text) <= PROPERTY_LIMIT and "说明" in text and SYNTHETIC_MARK in text


def test_html_of_synthetic_data_says_so_above_the_header_and_in_the_notes(synthetic):
    tree = lxml.html.parse(str(synthetic["html"]))
    assert SYNTHETIC_MARK in tree.xpath("//p[@class='synthetic']")[0].text_content()
    notes = tree.xpath("//div[@class='sources'][p[@class='sources-head']='说明：']")[0]
    assert GOVERNANCE[0] in notes.text_content()
    assert "encounters v7" in notes.text_content()


def test_pdf_of_synthetic_data_says_so_on_every_page(synthetic):
    pdf = pdfium.PdfDocument(str(synthetic["pdf"]))
    try:
        pages = [p.get_textpage().get_text_range() for p in pdf]
    finally:
        pdf.close()
    assert len(pages) > 1 and all(SYNTHETIC_MARK in page for page in pages)
    everything = "".join(pages)
    assert "encountersv7" in "".join(everything.split())  # the text layer loses spaces


def test_xlsx_of_synthetic_data_has_a_notes_sheet_and_marks_every_sheet(synthetic):
    wb = load_workbook(synthetic["xlsx"])
    assert wb.sheetnames[-1] == "说明"
    lines = [c.value for (c,) in wb["说明"].iter_rows(min_row=2, max_col=1)]
    assert SYNTHETIC_MARK in lines[0] and GOVERNANCE[0] in lines
    assert any("encounters v7" in line for line in lines)
    assert "encounters v7" in wb.properties.description
    for ws in wb.worksheets:
        assert SYNTHETIC_MARK in (ws.oddHeader.center.text or ""), ws.title


def test_a_report_of_real_data_does_not_say_synthetic(bulletin_files):
    """The fixture county is hand-made real-shaped data: no mark, no notes sheet."""
    assert SYNTHETIC_MARK not in _docx_text(bulletin_files["docx"])
    assert SYNTHETIC_MARK not in Path(bulletin_files["html"]).read_text(encoding="utf-8")
    assert "说明" not in load_workbook(bulletin_files["xlsx"]).sheetnames

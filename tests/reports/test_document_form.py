"""公文 form (GB/T 9704-2012, issue 14 §3) checked in the written files, page by page where
pages exist: the DOCX's XML (python-docx), the PDF's text per page (pypdfium2), and, where
LibreOffice is installed, the DOCX converted to PDF.

Fixture county (factories.py): a 2025年第一季度 bulletin and a March 2025 monthly report.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from docx.oxml.ns import qn

from .factories import header

#: 版心 width, 156 mm, in twentieths of a point (DOCX table widths).
TEXT_WIDTH_TWIPS = 156 / 25.4 * 72 * 20
#: Bottom margin 35 mm in points: below it only the page number may stand.
BOTTOM_MARGIN_PT = 35 / 25.4 * 72


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def _pdf_pages(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [
            "".join(document[i].get_textpage().get_text_range().split())
            for i in range(len(document))
        ]
    finally:
        document.close()


def _assert_only_page_numbers_in_the_bottom_margin(pdf: Path) -> None:
    document = pdfium.PdfDocument(str(pdf))
    try:
        for i in range(len(document)):
            page = document[i]
            width, _ = page.get_size()
            band = page.get_textpage().get_text_bounded(0, 0, width, BOTTOM_MARGIN_PT)
            assert re.fullmatch(rf"—\s*{i + 1}\s*—", band.strip()), (i + 1, band)
    finally:
        document.close()


def test_every_docx_table_repeats_its_header_and_keeps_rows_whole(bulletin_files) -> None:
    document = docx.Document(str(bulletin_files["docx"]))
    assert document.tables
    for table in document.tables:
        first = table.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_docx_tables_have_sized_columns_filling_the_text_width(bulletin_files) -> None:
    for table in docx.Document(str(bulletin_files["docx"])).tables:
        widths = [int(c._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for c in table.rows[0].cells]
        assert len(set(widths)) > 1  # sized to their content, not equal shares
        assert abs(sum(widths) - TEXT_WIDTH_TWIPS) < 0.02 * TEXT_WIDTH_TWIPS


def test_bulletin_closes_with_te_ci_tong_bao_and_names_its_annex(bulletin_files) -> None:
    text = _text(bulletin_files["docx"])
    assert "特此通报。" in text and "特此报告。" not in text
    closing, annex_line, signed = (
        text.index("特此通报。"),
        text.index("附件：主要监测指标完成情况表"),
        text.index(header().issuer_zh, text.index("附件：")),
    )
    assert closing < annex_line < signed


def test_monthly_report_closes_with_te_ci_bao_gao(monthly_files) -> None:
    assert "特此报告。" in _text(monthly_files["docx"])


def test_the_annex_starts_a_page_of_its_own_before_the_colophon(bulletin_files) -> None:
    paragraphs = docx.Document(str(bulletin_files["docx"])).paragraphs
    (mark,) = [p for p in paragraphs if p.text == "附件"]
    assert mark.paragraph_format.page_break_before
    texts = [p.text for p in paragraphs]
    assert texts.index("附件") < next(i for i, t in enumerate(texts) if t.startswith("抄送："))


def test_signer_is_on_the_upward_report_only(bulletin_files, monthly_files) -> None:
    """签发人 belongs to a 上行文: the monthly report goes up to the leading group."""
    assert "签发人：" in _text(monthly_files["docx"])
    assert "签发人：" not in _text(bulletin_files["docx"])


def test_docx_properties_name_the_office(bulletin_files) -> None:
    props = docx.Document(str(bulletin_files["docx"])).core_properties
    assert props.author == header().issuer_zh and props.title.endswith("的通报")


def test_the_quarter_is_written_in_chinese_numerals(bulletin_files) -> None:
    text = _text(bulletin_files["docx"])
    assert "2025年第一季度" in text and "第1季度" not in text


def test_pdf_page_one_tells_what_matters(bulletin_files) -> None:
    first = _pdf_pages(bulletin_files["pdf"])[0]
    for expected in (
        "（一）未达标指标",
        "基层就诊率55.00%（5,500/10,000）",
        "乙镇卫生院86.40%（8,640/10,000）",
    ):
        assert expected in first, expected


def test_pdf_annex_is_on_its_own_pages_with_the_counts(bulletin_files) -> None:
    pages = _pdf_pages(bulletin_files["pdf"])
    annex = [i for i, page in enumerate(pages) if "附件主要监测指标完成情况表指标" in page]
    assert annex, [p[:20] for p in pages]
    assert "分子/分母" in pages[annex[0]] and "8,850/10,000" in pages[annex[0]]
    assert "特此通报" not in pages[annex[0]]


def test_nothing_but_the_page_number_stands_in_the_pdf_bottom_margin(bulletin_files) -> None:
    _assert_only_page_numbers_in_the_bottom_margin(bulletin_files["pdf"])


@pytest.fixture(scope="module")
def converted_pdf(bulletin_files, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bulletin's DOCX as LibreOffice lays it out (what an office opening the file sees).
    CI installs LibreOffice (scripts/system-packages.sh) and sets YIGAI_REQUIRE_LIBREOFFICE=1."""
    if shutil.which("soffice") is None:
        if os.environ.get("YIGAI_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required here / 需要 LibreOffice")
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("soffice")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{out / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(bulletin_files["docx"]),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (pdf,) = out.glob("*.pdf")
    return pdf


def test_docx_converted_by_libreoffice_keeps_page_one(converted_pdf: Path) -> None:
    first = _pdf_pages(converted_pdf)[0]
    assert "（一）未达标指标" in first and header().issuer_zh in first


def test_docx_converted_by_libreoffice_puts_the_annex_on_its_own_pages(
    converted_pdf: Path,
) -> None:
    pages = _pdf_pages(converted_pdf)
    annex = [i for i, page in enumerate(pages) if "附件主要监测指标完成情况表" in page]
    assert annex and annex[0] > 0, [p[:20] for p in pages]
    assert "特此通报" not in pages[annex[0]] and "8,850/10,000" in pages[annex[0]]
    assert any("特此通报" in page for page in pages[: annex[0]])


def test_docx_converted_by_libreoffice_numbers_every_page_in_the_bottom_margin(
    converted_pdf: Path,
) -> None:
    _assert_only_page_numbers_in_the_bottom_margin(converted_pdf)

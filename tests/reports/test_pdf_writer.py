"""The PDF: first page rendered with pypdfium2 is not blank, every font is an embedded CJK
face, and the text layer carries the report's sentences."""

from __future__ import annotations

import ctypes

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

from yigai.reports.fonts import PDF_FAMILIES


@pytest.fixture(scope="module")
def pdf(monthly_files):
    doc = pdfium.PdfDocument(str(monthly_files["pdf"]))
    yield doc
    doc.close()


def _font_names(page) -> set[tuple[str, bool]]:
    names = set()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT]):
        font = raw.FPDFTextObj_GetFont(obj.raw)
        size = raw.FPDFFont_GetBaseFontName(font, None, 0)
        buf = ctypes.create_string_buffer(size)
        raw.FPDFFont_GetBaseFontName(font, buf, size)
        names.add((buf.value.decode(), bool(raw.FPDFFont_GetIsEmbedded(font))))
    return names


def test_first_page_is_not_blank(pdf):
    image = np.asarray(pdf[0].render(scale=1).to_pil().convert("L"), dtype=np.float64)
    assert image.var() > 50


def test_issuer_mark_is_printed_in_red(pdf):
    rgb = np.asarray(pdf[0].render(scale=1).to_pil().convert("RGB"), dtype=np.int32)
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)
    assert red.sum() > 500


def test_fonts_are_embedded_cjk_faces(pdf):
    """Only the faces the print CSS loads (Noto CJK SC, the 楷体 subset), all embedded."""
    families = {f.replace(" ", "-") for f in PDF_FAMILIES.values()}
    names = _font_names(pdf[0])
    assert names and all(embedded for _, embedded in names)
    assert {n.split("+")[-1].removesuffix("-Bold") for n, _ in names} <= families


def test_text_layer_has_title_key_points_and_page_number(pdf):
    """Page 1 opens 总体情况 with what matters (未达标指标 first), then the page number."""
    text = pdf[0].get_textpage().get_text_range().replace("\r\n", "")
    assert "关于2025年3月深化医药卫生体制改革重点工作进展情况的报告" in text
    assert "（一）未达标指标" in text and "— 1 —" in text


def test_last_page_carries_the_colophon(pdf):
    text = pdf[len(pdf) - 1].get_textpage().get_text_range().replace("\r\n", "")
    assert "抄送：县委办公室" in text and "2025年4月10日印发" in text

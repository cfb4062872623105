"""The DOCX 公文 parsed back with python-docx: layout of GB/T 9704-2012 and the report's
numbers (fixture values worked out in test_sections.py)."""

from __future__ import annotations

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor


@pytest.fixture(scope="module")
def doc(monthly_files):
    return Document(str(monthly_files["docx"]))


def _east_asian(run) -> str | None:
    fonts = run._element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def _para(doc, startswith: str):
    return next(p for p in doc.paragraphs if p.text.startswith(startswith))


def test_page_is_a4_with_gb_margins(doc):
    """DOCX stores twips (1/1440 in), so millimetres come back to within 0.05 mm."""
    s = doc.sections[0]
    sizes = (
        s.page_width,
        s.page_height,
        s.top_margin,
        s.bottom_margin,
        s.left_margin,
        s.right_margin,
    )
    assert [round(x.mm, 1) for x in sizes] == [210, 297, 37, 35, 28, 26]


def test_issuer_mark_is_red_and_centred(doc):
    p = _para(doc, "示范县深化医药卫生体制改革领导小组办公室")
    run = p.runs[0]
    assert run.font.color.rgb == RGBColor(0xFF, 0, 0) and p.alignment == 1  # centre
    assert _east_asian(run) == "方正小标宋简体"


def test_document_number_sits_above_a_red_rule(doc):
    p = _para(doc, "县医改办〔2025〕12号")
    bottom = p._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"


def test_title_is_centred_in_title_face(doc):
    p = _para(doc, "关于2025年3月")
    assert p.text == "关于2025年3月深化医药卫生体制改革重点工作进展情况的报告"
    assert p.alignment == 1 and _east_asian(p.runs[0]) == "方正小标宋简体"
    assert p.runs[0].font.size == Pt(22)


def test_body_runs_are_fangsong_three_hao(doc):
    p = _para(doc, "2025年3月，示范县纳入监测的5项指标中")
    assert _east_asian(p.runs[0]) == "仿宋" and p.runs[0].font.size == Pt(16)
    assert p.paragraph_format.first_line_indent == Pt(32)  # 首行缩进二字


def test_level_one_headings_are_heiti_and_level_two_kaiti(doc):
    for heading in (
        "一、总体情况",
        "二、主要指标完成情况",
        "三、考核排名",
        "四、重点任务进展",
        "五、存在问题和下一步工作",
    ):
        assert _east_asian(_para(doc, heading).runs[0]) == "黑体"
    assert _east_asian(_para(doc, "（一）存在问题").runs[0]) == "楷体"
    assert _east_asian(_para(doc, "（二）下一步工作").runs[0]) == "楷体"


def test_indicator_table_cells_hold_the_report_numbers(doc):
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "指标",
        "本期值",
        "目标值",
        "上期值",
        "去年同期",
        "环比",
        "同比",
        "较上期",
        "状态",
    ]
    assert [c.text for c in table.rows[4].cells] == [
        "门诊次均费用",
        "47.85元",
        "≤45.00元",
        "48.40元",
        "51.03元",
        "-1.14%",
        "-6.23%",
        "改善",
        "未达标",
    ]
    red = table.rows[2].cells[8].paragraphs[0].runs[0]
    assert table.rows[2].cells[8].text == "未达标" and red.font.color.rgb == RGBColor.from_string(
        "C0392B"
    )


def test_ranking_and_task_tables_follow(doc):
    # tables[1] compares the units side by side (表1-2); the last one is the annex
    compared, ranking, tasks = doc.tables[1], doc.tables[2], doc.tables[3]
    assert compared.rows[0].cells[0].text == "单位"
    assert [c.text for c in ranking.rows[1].cells] == [
        "1",
        "甲镇卫生院",
        "95.50",
        "合格",
        "予以通报表彰",
    ]
    assert tasks.rows[1].cells[0].text == "T02" and tasks.rows[1].cells[5].text == "推进中（逾期）"


def test_both_charts_are_embedded(doc):
    assert len(doc.inline_shapes) == 2


def test_page_numbers_are_page_fields_on_odd_and_even_pages(doc):
    s = doc.sections[0]
    for footer, align in ((s.footer, 2), (s.even_page_footer, 0)):  # right / left
        p = footer.paragraphs[0]
        assert p.alignment == align and "PAGE" in p._p.xml and p.text.startswith("— ")


def test_colophon_names_cc_and_printer_with_date(doc):
    assert _para(doc, "抄送：").text == "抄送：县委办公室，县人大常委会办公室，县政府办公室。"
    printed = doc.paragraphs[-1].text
    assert printed == "示范县深化医药卫生体制改革领导小组办公室\t2025年4月10日印发"

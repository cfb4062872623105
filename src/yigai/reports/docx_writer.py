"""DOCX rendering (公文版式) of a report, after GB/T 9704-2012《党政机关公文格式》 as far as
python-docx allows.

Layout taken from the standard: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
(版心 156 × 225 mm); red 发文机关标志 in 小标宋 centred, 发文字号 centred above a red
分隔线; title in 2号小标宋 centred; body 3号仿宋 (16 pt) with a fixed line pitch of 28 pt
(22 lines a page) and a two-character first-line indent; level-1 headings 黑体, level-2
楷体; page numbers 4号 "— n —", odd pages right, even pages left; 版记 (抄送, 印发机关和印发
日期) at the end between rules. Fonts are set in the East Asian slot (``w:eastAsia``) so Word
uses them for Chinese text.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from yigai.reports.fonts import DOCX_BODY, DOCX_HEADING, DOCX_LATIN, DOCX_SUBHEADING, DOCX_TITLE
from yigai.reports.sections import (
    INDICATOR_HEADERS,
    RANKING_HEADERS,
    TASK_HEADERS,
    Report,
    date_zh,
    issuer_size_pt,
    task_cells,
)
from yigai.reports.status import STATUS_RGB, Status

RED = RGBColor(0xFF, 0x00, 0x00)
SIZE_3 = Pt(16)  # 三号
SIZE_2 = Pt(22)  # 二号
SIZE_4 = Pt(14)  # 四号
SIZE_TABLE = Pt(10.5)  # 五号: eight columns of figures do not fit in 三号
LINE_PITCH = Pt(28)  # 22 lines in the 225 mm 版心


def _font(
    run, east_asian: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None
) -> None:
    run.font.name = DOCX_LATIN
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def _para(
    doc_or_cell,
    text: str,
    east_asian: str = DOCX_BODY,
    size: Pt = SIZE_3,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    bold: bool = False,
    color: RGBColor | None = None,
    pitch: Pt | None = LINE_PITCH,
) -> Paragraph:
    p = doc_or_cell.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if pitch is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = pitch
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    _font(p.add_run(text), east_asian, size, bold=bold, color=color)
    return p


def _rule(
    p: Paragraph, *, color: str = "FF0000", size_eighths: int = 12, where: str = "bottom"
) -> None:
    """A horizontal rule as a paragraph border (the 分隔线 of the standard)."""
    ppr = p._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{where}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _page_number(p: Paragraph) -> None:
    _font(p.add_run("— "), "宋体", SIZE_4)
    run = p.add_run()
    _font(run, "宋体", SIZE_4)
    for kind, extra in (("begin", None), ("instr", " PAGE "), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = extra
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._element.append(el)
    _font(p.add_run(" —"), "宋体", SIZE_4)


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    normal = doc.styles["Normal"]
    normal.font.name = DOCX_LATIN
    normal.font.size = SIZE_3
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_BODY)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)  # 单页码居右空一字
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)  # 双页码居左空一字
    _page_number(even)


def _table(
    doc,
    headers: list[tuple[str, str]],
    rows: list[list[str]],
    colours: list[str | None] | None = None,
) -> Table:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (zh, _) in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(zh), DOCX_HEADING, SIZE_TABLE)
    for i, values in enumerate(rows):
        cells = table.add_row().cells
        for j, (cell, text) in enumerate(zip(cells, values, strict=True)):
            p = cell.paragraphs[0]
            p.alignment = (
                WD_ALIGN_PARAGRAPH.LEFT if j == 0 or len(text) > 12 else WD_ALIGN_PARAGRAPH.CENTER
            )
            colour = colours[i] if colours and j == len(values) - 1 else None
            _font(
                p.add_run(text),
                DOCX_BODY,
                SIZE_TABLE,
                color=RGBColor.from_string(colour) if colour else None,
                bold=bool(colour),
            )
    return table


def _heading(doc, text: str) -> None:
    _para(doc, text, DOCX_HEADING, SIZE_3, indent=True)


def _subheading(doc, text: str) -> None:
    _para(doc, text, DOCX_SUBHEADING, SIZE_3, indent=True)


def _figure(doc, path: Path | None, caption: str) -> None:
    if path is None:
        return
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(str(path), width=Mm(150))
    _para(doc, caption, DOCX_BODY, SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=None)


def write_docx(report: Report, path: Path) -> Path:
    """Write ``report`` as a DOCX 公文 to ``path``."""
    header = report.data.header
    doc = Document()
    _setup(doc)
    _para(doc, "", pitch=None)  # 版头 starts lower on the page, as in printed documents
    _para(
        doc,
        header.issuer_zh,
        DOCX_TITLE,
        Pt(issuer_size_pt(header.issuer_zh)),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
        pitch=Pt(40),
    )
    _para(doc, "")
    number = _para(doc, header.doc_number, DOCX_BODY, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    _rule(number, size_eighths=18)
    _para(doc, "")
    _para(doc, report.title, DOCX_TITLE, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(36))
    _para(doc, "")
    if header.recipients_zh:
        _para(doc, f"{header.recipients_zh}：")
    _para(doc, report.intro, indent=True)

    _heading(doc, report.sections[0])
    for sentence in report.summary:
        _para(doc, sentence, indent=True)

    _heading(doc, report.sections[1])
    _para(
        doc,
        report.table1_lead,
        indent=True,
    )
    _para(
        doc,
        "表1  主要指标完成情况",
        DOCX_HEADING,
        SIZE_4,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        pitch=None,
    )
    _table(
        doc,
        INDICATOR_HEADERS,
        [r.cells for r in report.indicator_rows],
        [STATUS_RGB[r.status] for r in report.indicator_rows],
    )
    meta = report.data.key_indicator
    _figure(
        doc, report.charts.get("bar"), f"图1  {report.data.period.label_zh}各单位{meta.name_zh}"
    )
    _figure(doc, report.charts.get("trend"), f"图2  {meta.name_zh}月度趋势")

    _heading(doc, report.sections[2])
    if report.ranking_rows:
        _para(
            doc, "表2  考核排名", DOCX_HEADING, SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=None
        )
        _table(
            doc,
            RANKING_HEADERS,
            [
                [str(r.rank), r.name_zh, str(r.total), r.grade, r.consequences_zh]
                for r in report.ranking_rows
            ],
        )
    for sentence in report.ranking_sentences:
        _para(doc, sentence, indent=True)

    _heading(doc, report.sections[3])
    for sentence in report.task_sentences:
        _para(doc, sentence, indent=True)
    if report.tasks:
        _para(
            doc,
            "表3  重点任务进展",
            DOCX_HEADING,
            SIZE_4,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            pitch=None,
        )
        _table(
            doc,
            TASK_HEADERS,
            [task_cells(t) for t in report.tasks],
            [STATUS_RGB[Status.RED] if t.overdue else None for t in report.tasks],
        )

    _heading(doc, report.sections[4])
    _subheading(doc, "（一）存在问题")
    for i, text in enumerate(report.problems, start=1):
        _para(doc, f"{i}.{text}", indent=True)
    _subheading(doc, "（二）下一步工作")
    for i, text in enumerate(report.next_steps, start=1):
        _para(doc, f"{i}.{text}", indent=True)

    _para(doc, "")
    _para(doc, "")
    _para(doc, header.signatory_zh or header.issuer_zh, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signed = _para(doc, date_zh(header.issue_date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    signed.paragraph_format.right_indent = Pt(16 * 4)  # 成文日期右空四字

    # 版记: 抄送 then 印发机关和印发日期, each between rules.
    _para(doc, "")
    if header.cc_zh:
        cc = _para(doc, f"抄送：{header.cc_zh}。", DOCX_BODY, SIZE_4, pitch=None)
        cc.paragraph_format.left_indent = cc.paragraph_format.right_indent = Pt(14)
        _rule(cc, color="000000", size_eighths=8, where="top")
    printed = _para(doc, header.printer_zh or header.issuer_zh, DOCX_BODY, SIZE_4, pitch=None)
    printed.paragraph_format.left_indent = printed.paragraph_format.right_indent = Pt(14)
    # 印发日期 flush right on the same line: a right tab stop at the right indent.
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
    _font(printed.add_run(f"\t{date_zh(header.issue_date)}印发"), DOCX_BODY, SIZE_4)
    _rule(printed, color="000000", size_eighths=6, where="top")
    _rule(printed, color="000000", size_eighths=8, where="bottom")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path

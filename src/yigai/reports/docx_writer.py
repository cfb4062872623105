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
from yigai.reports.indicator_section import ANNEX_HEADERS
from yigai.reports.notes_section import properties_text
from yigai.reports.sections import (
    INDICATOR_HEADERS,
    RANKING_HEADERS,
    TASK_HEADERS,
    Report,
    ReportKind,
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


def _synthetic_mark(doc, report: Report) -> None:
    """合成示范数据 in the page header of every page (odd and even) of a synthetic report:
    a page printed or forwarded alone still says what its data are."""
    if not report.synthetic_banner:
        return
    section = doc.sections[0]
    for header in (section.header, section.even_page_header):
        p = header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(report.synthetic_banner), DOCX_BODY, SIZE_TABLE)


#: 版心 width in mm: tables are sized to it.
TEXT_WIDTH_MM = 156


def _row_flags(row, *, header: bool) -> None:
    """No row split across pages (w:cantSplit); the header row repeats on every page
    (w:tblHeader)."""
    trpr = row._tr.get_or_add_trPr()
    flags = ["w:cantSplit", "w:tblHeader"] if header else ["w:cantSplit"]
    for tag in flags:
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)


def column_widths(headers: list[tuple[str, str]], rows: list[list[str]]) -> list[float]:
    """Column widths in mm filling the 版心: each column gets room for its longest cell up
    to a cap (long text wraps), at least its header."""
    need = []
    for j, (zh, _) in enumerate(headers):
        longest = max([len(zh)] + [min(len(r[j]), 14) for r in rows])
        need.append(max(longest, 3))
    total = sum(need)
    return [TEXT_WIDTH_MM * n / total for n in need]


def _table(
    doc,
    headers: list[tuple[str, str]],
    rows: list[list[str]],
    colours: list[str | None] | None = None,
) -> Table:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(w) for w in column_widths(headers, rows)]
    _row_flags(table.rows[0], header=True)
    for cell, (zh, _) in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(zh), DOCX_HEADING, SIZE_TABLE)
    for i, values in enumerate(rows):
        row = table.add_row()
        _row_flags(row, header=False)
        cells = row.cells
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
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
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
    """Write ``report`` as a DOCX 公文 to ``path``: 版头, body, closing, annex, 版记."""
    doc = Document()
    _setup(doc)
    _synthetic_mark(doc, report)
    _front(doc, report)
    _body(doc, report)
    _closing(doc, report)
    _annex(doc, report)
    _colophon(doc, report)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _front(doc, report: Report) -> None:
    """版头 (issuer, number, rule), title, 主送 and the opening sentence."""
    header = report.data.header
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
    number = _doc_number(doc, report)
    _rule(number, size_eighths=18)
    _para(doc, "")
    _para(doc, report.title, DOCX_TITLE, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(36))
    _para(doc, "")
    if header.recipients_zh:
        _para(doc, f"{header.recipients_zh}：")
    _para(doc, report.intro, indent=True)


def _body(doc, report: Report) -> None:
    """一 to 五: key points and summary, indicators, ranking, tasks, problems and steps."""
    _heading(doc, report.sections[0])
    _key_points(doc, report)  # page 1: what the director must see first
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
        "表1  重点监测指标完成情况",
        DOCX_HEADING,
        SIZE_4,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        pitch=None,
    )
    _table(
        doc,
        INDICATOR_HEADERS,
        [r.cells for r in report.body_rows],
        [STATUS_RGB[r.status] for r in report.body_rows],
    )
    _notes(doc, "统计口径：", report.period_rules(report.body_rows))
    if (compared := report.unit_comparison) is not None:
        caption = "表1-2  各单位重点指标对比"
        _para(doc, caption, DOCX_HEADING, SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=None)
        _table(doc, *compared)
    meta = report.data.key_indicator
    _figure(doc, report.charts.get("bar"), f"图1  {report.period_zh}各单位{meta.name_zh}")
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


def _closing(doc, report: Report) -> None:
    """特此通报 / 特此报告, the 附件 line, 署名 and 成文日期."""
    header = report.data.header
    _para(doc, report.closing, indent=True)
    _para(doc, "")
    _para(doc, report.annex_line, indent=True)  # 附件说明: 正文下空一行左空二字
    _para(doc, "")
    _para(doc, "")
    _para(doc, header.signatory_zh or header.issuer_zh, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signed = _para(doc, date_zh(header.issue_date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    signed.paragraph_format.right_indent = Pt(16 * 4)  # 成文日期右空四字


def _colophon(doc, report: Report) -> None:
    """版记 (抄送, 印发机关和印发日期) and the document properties, which name the office."""
    header = report.data.header
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
    # Document properties name the office (author) and the document (title, number).
    props = doc.core_properties
    props.author = props.last_modified_by = header.issuer_zh
    props.title = report.title
    props.subject = header.doc_number
    # synthetic data and the data version: a reader can regenerate the file from them
    props.comments = properties_text(report.data)


def _doc_number(doc, report: Report) -> Paragraph:
    """发文字号 centred; on a report upward (报告) it sits left, 签发人 right, each one
    character in (GB/T 9704-2012 7.2.4–7.2.5)."""
    header = report.data.header
    if report.kind is not ReportKind.MONTHLY:
        return _para(doc, header.doc_number, DOCX_BODY, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    p = _para(doc, header.doc_number, DOCX_BODY, SIZE_3)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = SIZE_3
    p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(32), WD_TAB_ALIGNMENT.RIGHT)
    _font(p.add_run("\t签发人："), DOCX_BODY, SIZE_3)
    _font(p.add_run(header.signer_zh), DOCX_SUBHEADING, SIZE_3)  # 签发人姓名 in 楷体
    return p


def _key_points(doc, report: Report) -> None:
    """Page 1 (要点): missed targets and their laggards, overdue tasks, next steps."""
    points = report.key_points
    if points is None:
        return
    _subheading(doc, "（一）未达标指标")
    for i, m in enumerate(points.missed, start=1):
        _para(doc, f"{i}.{m.sentence}", indent=True)
    if points.others:
        _para(doc, points.others_sentence, indent=True)
    elif not points.missed:
        _para(doc, "各项监测指标均达到目标值。", indent=True)
    _subheading(doc, "（二）逾期任务")
    _para(doc, points.overdue_sentence, indent=True)
    _subheading(doc, "（三）下一步工作")
    for i, step in enumerate(points.steps, start=1):
        _para(doc, f"{i}.{step.sentence}", indent=True)
    if not points.steps:
        _para(doc, "继续做好指标监测和数据质量核查，按月调度、按季通报。", indent=True)


def _notes(doc, head: str, lines: list[str]) -> None:
    """Small notes under a table (统计口径, 目标值依据)."""
    if not lines:
        return
    _para(doc, head, DOCX_HEADING, SIZE_TABLE, pitch=None)
    for line in lines:
        _para(doc, line, DOCX_BODY, SIZE_TABLE, pitch=None)


def _annex(doc, report: Report) -> None:
    """附件 on a page of its own (另面编排), before the 版记: every indicator with its counts."""
    mark = _para(doc, "附件", DOCX_HEADING, SIZE_3)
    mark.paragraph_format.page_break_before = True
    _para(
        doc, report.annex_title, DOCX_TITLE, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(36)
    )
    _table(
        doc,
        ANNEX_HEADERS,
        [r.annex_cells for r in report.indicator_rows],
        [STATUS_RGB[r.status] for r in report.indicator_rows],
    )
    _notes(doc, "统计口径：", report.period_rules(report.indicator_rows))
    _notes(doc, "目标值依据：", report.target_sources)
    _notes(doc, "说明：", report.notes)

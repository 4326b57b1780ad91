"""Official-document styling for python-docx after GB/T 9704-2012 《党政机关公文格式》: A4,
margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm type area), 方正小标宋
title in 二号, 黑体 first-level headings, 楷体_GB2312 second-level, 仿宋_GB2312 body in 三号 with
28 pt lines, page numbers "— 1 —" in the footer (a PAGE field, in 四号 宋体).

Chinese font names must be set on ``w:eastAsia`` as well, or Word keeps its default East Asian
font. Where a font is not installed Word and LibreOffice substitute; the substitutes a reader
should expect are named in the document's properties (``FONT_FALLBACKS``): 方正小标宋简体 → 宋体
(bold), 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 黑体 → Noto Sans CJK.

Tables fit the type area: fixed layout, the first (label) column wide and the number columns
narrow, the header row repeated on each page and no row split across pages."""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_STYLE, HEADING_STYLE, SUBHEADING_STYLE = "公文标题", "一级标题", "二级标题"
FONT_FALLBACKS = {
    TITLE_FONT: "宋体（加粗）",
    BODY_FONT: "仿宋",
    SUBHEADING_FONT: "楷体",
    HEADING_FONT: "Noto Sans CJK SC",
}
TYPE_AREA_WIDTH = Cm(15.6)


def set_font(style_or_run: Any, name: str, size: float | None = None, bold: bool = False) -> None:
    font = style_or_run.font
    font.name = name
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    if size is not None:
        font.size = Pt(size)
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        key = qn(attr)
        if key in rfonts.attrib:
            del rfonts.attrib[key]


def official_document() -> Any:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    styles = document.styles
    normal = styles["Normal"]
    set_font(normal, BODY_FONT, 16)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.first_line_indent = Pt(32)
    normal.paragraph_format.space_after = Pt(0)
    for name, font, size, indent in (
        (TITLE_STYLE, TITLE_FONT, 22, 0),
        (HEADING_STYLE, HEADING_FONT, 16, 32),
        (SUBHEADING_STYLE, SUBHEADING_FONT, 16, 32),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        set_font(style, font, size)
        style.paragraph_format.first_line_indent = Pt(indent)
        if name == TITLE_STYLE:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            style.paragraph_format.space_after = Pt(16)
            style.paragraph_format.line_spacing = Pt(36)
    _page_number_footer(section)
    fallbacks = "；".join(f"{font}→{alt}" for font, alt in FONT_FALLBACKS.items())
    document.core_properties.comments = (
        f"版式依据GB/T 9704-2012。字体（缺字体时的替代）：{fallbacks}"
    )
    return document


def _page_number_footer(section: Any) -> None:
    """ "— N —" centred in the footer, N a PAGE field (Word and LibreOffice fill it in)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, 14)
    run = paragraph.add_run()
    set_font(run, PAGE_NUMBER_FONT, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)
    set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, 14)


def add_table(
    document: Any, headers: list[str], rows: list[list[Any]], widths: list[float] | None = None
) -> Any:
    """A table across the type area. ``widths`` in cm (default: the first column takes what
    the others, 1.4 cm each, leave); the header row repeats on every page; rows never split."""
    if widths is None:
        rest = 1.4 * (len(headers) - 1)
        widths = [TYPE_AREA_WIDTH.cm - rest] + [1.4] * (len(headers) - 1)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table)
    _row_flags(table.rows[0], header=True)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True)
    for values in rows:
        row = table.add_row()
        _row_flags(row, header=False)
        for cell, value in zip(row.cells, values, strict=True):
            _cell_text(cell, "" if value is None else _fmt(value))
    for index, width in enumerate(widths):
        table.columns[index].width = Cm(width)  # w:gridCol, which LibreOffice follows
        for cell in table.columns[index].cells:
            cell.width = Cm(width)
    return table


def _fixed_layout(table: Any) -> None:
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _row_flags(row: Any, *, header: bool) -> None:
    """``w:cantSplit`` on every row; ``w:tblHeader`` (repeat on each page) on the header."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _cell_text(cell: Any, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = Pt(0)
    if bold or not _is_label(text):
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(18)
    run = paragraph.add_run(text)
    set_font(run, HEADING_FONT if bold else BODY_FONT, 10.5)


def _is_label(text: str) -> bool:
    """Text (a name, a policy) stays left-aligned; numbers and short marks are centred."""
    return len(text) > 6 or any("\u4e00" <= ch <= "\u9fff" for ch in text)

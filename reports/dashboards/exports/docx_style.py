"""Official-document styling for python-docx (GB/T 9704 in spirit): A4, 方正小标宋 title,
黑体 headings, 仿宋_GB2312 body. Chinese font names must be set on ``w:eastAsia`` as well, or
Word keeps its default East Asian font."""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TITLE_STYLE, HEADING_STYLE, SUBHEADING_STYLE = "公文标题", "一级标题", "二级标题"


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
        (SUBHEADING_STYLE, "楷体_GB2312", 16, 32),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        set_font(style, font, size)
        style.paragraph_format.first_line_indent = Pt(indent)
        if name == TITLE_STYLE:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            style.paragraph_format.space_after = Pt(16)
            style.paragraph_format.line_spacing = Pt(36)
    return document


def add_table(document: Any, headers: list[str], rows: list[list[Any]]) -> Any:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True)
    for values in rows:
        row = table.add_row().cells
        for cell, value in zip(row, values, strict=True):
            _cell_text(cell, "" if value is None else _fmt(value))
    return table


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _cell_text(cell: Any, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(18)
    run = paragraph.add_run(text)
    set_font(run, HEADING_FONT if bold else BODY_FONT, 10.5)

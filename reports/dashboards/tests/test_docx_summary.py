"""The 汇总报告 as a 公文: 文号 and 主送 from the task, the issuer as author, page numbers as a
PAGE field, tables that fit the page (header repeated, rows not split, a wide label column),
dates without zero padding, quotes nested the 公文 way, no doubled words in titles."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from reports.dashboards.exports.docx_summary import write_summary
from reports.dashboards.exports.wording import (
    cn_date,
    cn_datetime,
    cn_day_range,
    join_title,
    quoted,
)
from tests.export_builders import build

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def built(world):
    return build(world)


def summary(campaign, unit, user) -> Document:
    buffer = io.BytesIO()
    write_summary(buffer, campaign=campaign, unit=unit, user=user)
    return Document(io.BytesIO(buffer.getvalue()))


def test_wording_helpers():
    assert cn_date(date(2026, 6, 4)) == "2026年6月4日"
    assert cn_datetime(datetime(2026, 6, 4, 17, 0, tzinfo=SHANGHAI)) == "2026年6月4日17时"
    assert cn_datetime(datetime(2026, 6, 4, 9, 5, tzinfo=SHANGHAI)) == "2026年6月4日9时5分"
    assert cn_day_range(date(2026, 12, 1), date(2026, 12, 1)) == "12月1日"
    assert cn_day_range(date(2026, 12, 1), date(2026, 12, 3)) == "12月1日至12月3日"
    assert quoted("“双减”工作自查") == "“‘双减’工作自查”"
    assert join_title("一小双减自查", "自查报告") == "一小双减自查报告"
    assert join_title("关于学生减负自查", "自查报告") == "关于学生减负自查报告"
    assert join_title("一小自查", "报告") == "一小自查报告"


def test_doc_number_recipient_author_and_dates(world, built):
    campaign = built.campaign
    campaign.doc_number, campaign.main_recipient = "测教减〔2026〕3号", "测试省教育厅"
    campaign.title = "“双减”工作自查"
    campaign.deadline = datetime(2027, 6, 4, 17, 0, tzinfo=SHANGHAI)
    campaign.save()
    document = summary(campaign, world.city, world.sam)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "测教减〔2026〕3号"
    assert texts[1] == "测试市教育局关于“双减”工作自查情况的汇总报告"
    assert texts[2] == "测试省教育厅："
    body = "\n".join(texts)
    assert "根据“‘双减’工作自查”（" in body and "测试市教育局组织辖区内" in body
    assert "填报截止时间为2027年6月4日17时。" in body
    assert texts[-2] == "测试市教育局"
    signed = texts[-1]
    assert signed.endswith("日") and "年0" not in signed and "月0" not in signed
    assert document.core_properties.author == "测试市教育局"


def test_a_county_summarising_its_part_writes_to_the_issuer(world, built):
    document = summary(built.campaign, world.county_a, world.rita)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "甲县教育局关于测试市落实双减自查情况的汇总报告"  # no 文号 set
    assert texts[1] == "测试市教育局："  # the issuer, by default
    assert texts[-2] == "甲县教育局"


def test_page_numbers_are_a_page_field_in_the_footer(world, built):
    document = summary(built.campaign, world.county_a, world.rita)
    footer = document.sections[0].footer._element
    instructions = [t.text for t in footer.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]
    kinds = [f.get(qn("w:fldCharType")) for f in footer.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert "版式依据GB/T 9704-2012" in document.core_properties.comments
    assert "仿宋_GB2312→仿宋" in document.core_properties.comments
    section = document.sections[0]
    assert abs(section.left_margin - Cm(2.8)) < Cm(0.05)
    assert abs(section.top_margin - Cm(3.7)) < Cm(0.05)


def test_tables_fit_the_page_repeat_the_header_and_do_not_split_rows(world, built):
    document = summary(built.campaign, world.county_a, world.rita)
    indicators = next(t for t in document.tables if t.rows[0].cells[0].text == "指标")
    header = indicators.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    for row in indicators.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    for row in indicators.rows[1:]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is None
    widths = [cell.width for cell in indicators.rows[1].cells]
    assert widths[0] > Cm(4) and all(w <= Cm(2.31) for w in widths[1:])
    grid = [col.width for col in indicators.columns]  # w:gridCol, what LibreOffice follows
    assert grid == widths
    assert sum(w.cm for w in widths) == pytest.approx(15.6, abs=0.05)
    layout = indicators._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None and layout.get(qn("w:type")) == "fixed"

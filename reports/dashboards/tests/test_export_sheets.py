"""XLSX and CSV: the name column stays in view, rates are real percentages in Excel, and the
checklist's 说明 notes are exported next to each answer."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from reports.dashboards.exports.csv_rows import iter_csv
from reports.dashboards.exports.xlsx import write_xlsx
from reports.models import Report
from tests.export_builders import build


@pytest.fixture
def built(world):
    built = build(world)
    answers = dict(built.a1.checklist_answers)
    answers["hw_no_grade12"] = {"answer": "partial", "note": "=个别班级仍有书面作业"}
    Report.objects.filter(pk=built.a1.pk).update(checklist_answers=answers)
    return built


def book(built, world):
    buffer = io.BytesIO()
    write_xlsx(buffer, campaign=built.campaign, unit=world.county_a, user=world.rita)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def test_the_name_column_is_frozen_and_rates_are_percentages(world, built):
    workbook = book(built, world)
    detail = workbook["报告明细"]
    assert detail.freeze_panes == "C2"
    header = [c.value for c in detail[1]]
    a1 = next(row for row in detail.iter_rows(min_row=2) if row[0].value == "1000000001")
    share = a1[header.index("雷同比例（%）")]
    assert share.value == pytest.approx(0.4) and share.number_format == "0.0%"
    summary = workbook["按学校类型汇总"]
    rate_col = [c.value for c in summary[1]].index("提交率（%）")
    rate = summary.cell(row=2, column=rate_col + 1)
    assert rate.value == pytest.approx(1.0) and rate.number_format == "0.0%"


def test_checklist_notes_are_in_the_xlsx_and_the_csv(world, built):
    detail = book(built, world)["报告明细"]
    header = [c.value for c in detail[1]]
    item = "小学一二年级不布置家庭书面作业"
    answer, note = header.index(item), header.index(f"{item}（说明）")
    assert note == answer + 1
    a1 = next(row for row in detail.iter_rows(min_row=2) if row[0].value == "1000000001")
    assert a1[answer].value == "部分落实"
    assert a1[note].value == "=个别班级仍有书面作业" and a1[note].data_type == "s"
    data = b"".join(iter_csv(campaign=built.campaign, unit=world.county_a, user=world.rita))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == "1000000001")
    assert rows[0][note] == f"{item}（说明）"
    assert row[note] == "'=个别班级仍有书面作业"  # escaped against formula injection

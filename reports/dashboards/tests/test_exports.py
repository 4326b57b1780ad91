"""Exports: every file is read back (openpyxl, csv, python-docx, zipfile) and checked against
the database; scoping, formula escaping, the job lifecycle and the audit log."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from reports.choices import ExportKind, ExportState
from reports.dashboards.exports.jobs import export_run
from reports.dashboards.tasks import (
    BROKER_DOWN_MESSAGE,
    export_request,
    purge_expired_exports,
    run_export,
)
from reports.models import AuditEvent, ExportJob, Organization, ReviewAction
from tests.export_builders import build
from tests.world import point_celery_at


@pytest.fixture
def built(world):
    return build(world)


def run(job: ExportJob) -> ExportJob:
    export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.DONE, job.error
    return job


def export(user, kind, built, unit) -> ExportJob:
    return run(export_request(user=user, kind=kind, campaign=built.campaign, unit=unit))


def workbook(job: ExportJob):
    with job.file.open("rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()))


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_xlsx_has_one_row_per_report_with_the_values_in_the_database(world, built):
    job = export(world.rita, ExportKind.XLSX, built, world.county_a)
    book = workbook(job)
    assert book.sheetnames[:2] == ["报告明细", "按下级单位汇总"]
    assert "按学校类型汇总" in book.sheetnames and "指标汇总" in book.sheetnames
    sheet = book["报告明细"]
    header = [c.value for c in sheet[1]]
    assert header[:12] == [
        "单位代码",
        "学校名称",
        "所属市",
        "所属县（区）",
        "所属学区/镇",
        "学段",
        "寄宿制",
        "状态",
        "提交次数",
        "提交时间",
        "通过时间",
        "是否逾期",
    ]
    assert sheet.freeze_panes == "C2"  # the header row and the code and name columns
    assert sheet.column_dimensions["B"].width >= 20
    rows = {
        row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)
    }
    assert set(rows) == {"1000000001", "1000000002"}
    a1 = rows["1000000001"]
    assert a1["学校名称"] == "甲县第一小学"
    assert a1["所属市"] == "测试市教育局" and a1["所属县（区）"] == "甲县教育局"
    assert a1["学段"] == "小学" and a1["状态"] == "已通过" and a1["是否逾期"] == "否"
    approved = ReviewAction.objects.get(report=built.a1, kind="approve").created_at
    expected = timezone.localtime(approved).replace(tzinfo=None)
    assert abs(a1["通过时间"] - expected) < timedelta(seconds=1)
    assert a1["在校学生数（人）"] == 800 and isinstance(a1["在校学生数（人）"], int)
    assert a1["三至六年级书面作业平均完成时间（分钟/天）"] == 70
    rate = built.a1.indicator_values["after_school_rate"]
    assert a1["课后服务学生参与率（%）"] == pytest.approx(rate / 100)  # a real percentage
    assert a1["小学一二年级不布置家庭书面作业"] == "已落实"
    assert a1["雷同比例（%）"] == pytest.approx(0.4)
    assert a1["雷同段落数"] == 2 and a1["未填占位符数"] == 3
    a2 = rows["1000000002"]
    assert a2["状态"] == "退回修改" and a2["通过时间"] is None and a2["雷同比例（%）"] is None
    by_type = {row[0]: row for row in book["按学校类型汇总"].iter_rows(2, values_only=True)}
    assert by_type["小学"][1] == 1 and by_type["初中"][1] == 1
    indicators = {row[0]: row for row in book["指标汇总"].iter_rows(2, values_only=True)}
    assert indicators["在校学生数"][2:4] == (2, 1000)


def test_a_county_reviewers_export_never_contains_another_county(world, built, login):
    for kind in (ExportKind.XLSX, ExportKind.CSV):
        job = export(world.rita, kind, built, world.county_a)
        with job.file.open("rb") as handle:
            data = handle.read()
        if kind == ExportKind.CSV:
            codes = [row[0] for row in csv_rows(data)[1:]]
        else:
            book = openpyxl.load_workbook(io.BytesIO(data))
            codes = [row[0] for row in book["报告明细"].iter_rows(2, values_only=True)]
            assert "乙县" not in str(list(book["按下级单位汇总"].values))
        assert sorted(codes) == ["1000000001", "1000000002"]
    with pytest.raises(Http404):
        export_request(user=world.rita, kind="xlsx", campaign=built.campaign, unit=world.county_b)
    with pytest.raises(Http404):
        export_request(user=world.rita, kind="csv", campaign=built.campaign, unit=world.city)
    client = login(world.rita)
    response = client.get(
        "/dashboard/exports/csv/", {"campaign": built.campaign.pk, "unit": world.county_b.pk}
    )
    assert response.status_code == 404
    response = client.post(
        "/dashboard/exports/",
        {"campaign": built.campaign.pk, "unit": world.county_b.pk, "kind": "xlsx"},
    )
    assert response.status_code == 200 and not ExportJob.objects.filter(unit=world.county_b)


def test_the_city_export_has_a_sheet_per_county(world, built):
    book = workbook(export(world.ada, ExportKind.XLSX, built, world.city))
    counties = {row[1]: row for row in book["按县区汇总"].iter_rows(2, values_only=True)}
    header = [c.value for c in book["按县区汇总"][1]]
    assert counties["甲县教育局"][header.index("应报")] == 2
    assert counties["甲县教育局"][header.index("已通过")] == 1
    assert counties["乙县教育局"][header.index("未开始")] == 1


def test_formula_cells_are_escaped_in_csv_and_never_formulas_in_xlsx(world, built, login):
    evil = '=HYPERLINK("http://evil.example","点我")'
    Organization.objects.filter(pk=world.school_a1.pk).update(name=evil)
    Organization.objects.filter(pk=world.school_a2.pk).update(name="@SUM(1+1)")
    Organization.objects.filter(pk=world.county_a.pk).update(name="-2+3县")
    response = login(world.rita).get(
        "/dashboard/exports/csv/", {"campaign": built.campaign.pk, "unit": world.county_a.pk}
    )
    rows = {row[0]: row for row in csv_rows(b"".join(response.streaming_content))[1:]}
    assert rows["1000000001"][1] == "'" + evil
    assert rows["1000000002"][1] == "'@SUM(1+1)"
    assert rows["1000000001"][3] == "'-2+3县"
    sheet = workbook(export(world.rita, ExportKind.XLSX, built, world.county_a))["报告明细"]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert cells["1000000001"][1].value == evil and cells["1000000001"][1].data_type == "s"
    assert cells["1000000002"][1].data_type == "s" and cells["1000000001"][3].data_type == "s"


def test_csv_cells_starting_with_tab_or_carriage_return_are_escaped(world, built, login):
    Organization.objects.filter(pk=world.school_a1.pk).update(name="\t=1+1")
    Organization.objects.filter(pk=world.school_a2.pk).update(name="\r=2+2")
    response = login(world.rita).get(
        "/dashboard/exports/csv/", {"campaign": built.campaign.pk, "unit": world.county_a.pk}
    )
    rows = {row[0]: row for row in csv_rows(b"".join(response.streaming_content))[1:]}
    assert rows["1000000001"][1] == "'\t=1+1"
    assert rows["1000000002"][1] == "'\r=2+2"


def test_the_streamed_csv_is_utf8_with_bom_has_the_xlsx_header_and_is_audited(world, built, login):
    response = login(world.rita).get(
        "/dashboard/exports/csv/", {"campaign": built.campaign.pk, "unit": world.county_a.pk}
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(b"".join(response.streaming_content))
    sheet = workbook(export(world.rita, ExportKind.XLSX, built, world.county_a))["报告明细"]
    assert rows[0] == [c.value for c in sheet[1]]
    a1 = next(row for row in rows if row[0] == "1000000001")
    assert a1[1] == "甲县第一小学" and a1[7] == "已通过"
    assert a1[rows[0].index("在校学生数（人）")] == "800"
    streamed = AuditEvent.objects.filter(action="export_request", detail__streamed=True)
    assert streamed.get().actor == world.rita


def test_the_word_summary_has_the_official_headings_fonts_and_page(world, built):
    job = export(world.rita, ExportKind.DOCX, built, world.county_a)
    assert job.filename.endswith(".docx")
    with job.file.open("rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "甲县教育局关于测试市落实双减自查情况的汇总报告"
    headings = [p.text for p in document.paragraphs if p.style.name == "一级标题"]
    assert headings == [
        "一、总体情况",
        "二、主要指标",
        "三、存在的主要问题",
        "四、需要关注的学校",
        "五、下一步工作建议",
    ]
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.1)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.1)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.styles["一级标题"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    body = "\n".join(texts)
    assert "本次自查应报学校2所，已提交2所" in body
    # A1's report is copied: its problems are neither counted nor quoted.
    assert "偏离主题或存在雷同的1份报告未计入" in body and "作业方面" not in body
    assert "（一）课后服务方面。" in texts and "（二）家长方面。" in texts
    assert (
        "共有1所学校提及，计1条。如：“课后服务师资紧张，艺术类课程不够丰富”（甲县实验中学）。"
        in texts
    )
    assert "退回修改尚未重新提交的学校1所：甲县实验中学。" in body
    assert "来自范文库1份" in body and "甲县第一小学" in body.split("四、需要关注的学校")[1]
    table = document.tables[1]
    header = [cell.text for cell in table.rows[0].cells]
    assert header[:3] == ["指标", "填报学校数", "平均值"]
    enrolment = next(row for row in table.rows if row.cells[0].text == "在校学生数（人）")
    assert enrolment.cells[1].text == "2" and enrolment.cells[2].text == "1000"


def test_the_bundle_zips_every_approved_report_as_docx_named_by_code_and_name(world, built):
    job = export(world.rita, ExportKind.BUNDLE, built, world.county_a)
    with job.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert archive.namelist() == ["1000000001_甲县第一小学.docx"]  # A2 was returned
    document = Document(io.BytesIO(archive.read("1000000001_甲县第一小学.docx")))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "甲县第一小学测试市落实双减自查报告"
    assert "二、存在的问题" in texts and "个别教师作业设计能力不足。" in texts
    rows = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert rows["在校学生数"] == "800"


def test_a_requested_export_runs_after_commit_and_is_audited(
    world, built, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(
            user=world.rita, kind="xlsx", campaign=built.campaign, unit=world.county_a
        )
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.progress == job.total == 2
    assert job.file.name.startswith("exports/") and job.expires_at > timezone.now()
    event = AuditEvent.objects.get(action="export_request", actor=world.rita)
    assert event.organization == world.county_a and event.detail["job"] == job.pk
    run_export(job.pk)  # a second delivery of the same task does nothing
    job.refresh_from_db()
    assert job.state == ExportState.DONE


def test_when_the_broker_is_down_the_job_stays_pending_and_the_page_says_so(
    transactional_db, world, built, login
):
    # No test transaction around the request: the job is committed and dispatched at once,
    # as in production.
    client = login(world.rita)
    old = point_celery_at("redis://127.0.0.1:1/0")
    try:
        response = client.post(
            "/dashboard/exports/",
            {"campaign": built.campaign.pk, "unit": world.county_a.pk, "kind": "csv"},
            follow=True,
        )
    finally:
        point_celery_at(old)
    assert BROKER_DOWN_MESSAGE in response.content.decode()
    assert ExportJob.objects.get(user=world.rita).state == ExportState.PENDING


def test_downloads_are_for_the_owner_only_and_expire_with_410(world, built, login):
    job = export(world.rita, ExportKind.CSV, built, world.county_a)
    response = login(world.rita).get(f"/dashboard/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith("\ufeff单位代码".encode())
    assert AuditEvent.objects.filter(action="export_download", actor=world.rita).exists()
    assert login(world.ben).get(f"/dashboard/exports/{job.pk}/download/").status_code == 404
    assert login(world.ada).get(f"/dashboard/exports/{job.pk}/progress/").status_code == 404
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    response = login(world.rita).get(f"/dashboard/exports/{job.pk}/download/")
    assert response.status_code == 410 and "已过期" in response.content.decode()


def test_the_purge_deletes_expired_files_and_requeues_stale_pending_jobs(
    world, built, eager_celery
):
    done = export(world.rita, ExportKind.CSV, built, world.county_a)
    storage, name = done.file.storage, done.file.name
    ExportJob.objects.filter(pk=done.pk).update(expires_at=timezone.now() - timedelta(days=1))
    stale = export_request(
        user=world.rita, kind="xlsx", campaign=built.campaign, unit=world.county_a
    )
    ExportJob.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert purge_expired_exports() == {"purged": 1, "requeued": 1}
    assert not storage.exists(name)
    assert ExportJob.objects.get(pk=stale.pk).state == ExportState.DONE


def test_the_export_page_lists_my_jobs_with_a_polling_progress_fragment(world, built, login):
    job = export_request(user=world.rita, kind="docx", campaign=built.campaign, unit=world.county_a)
    client = login(world.rita)
    page = client.get("/dashboard/exports/").content.decode()
    assert f'hx-get="/dashboard/exports/{job.pk}/progress/"' in page and "排队中" in page
    run(job)
    fragment = client.get(f"/dashboard/exports/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in fragment and f"/dashboard/exports/{job.pk}/download/" in fragment


def test_submitters_cannot_export_and_the_403_says_who_can(world, built, login):
    response = login(world.alice).get("/dashboard/exports/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "只有教育局的审核员、上级查看和管理员可以导出" in page
    assert "上级查看（市、省教育局）" in page
    with pytest.raises(PermissionDenied):
        export_request(user=world.alice, kind="xlsx", campaign=built.campaign, unit=world.city)
    response = login(world.alice).get(
        "/dashboard/exports/csv/", {"campaign": built.campaign.pk, "unit": world.school_a1.pk}
    )
    assert response.status_code == 403


def test_a_supervisor_exports_their_subtree_and_it_is_audited(world, built, login):
    client = login(world.sam)
    page = client.get("/dashboard/exports/").content.decode()
    assert response_ok(page) and 'href="/dashboard/exports/"' in page  # the menu item
    job = export(world.sam, ExportKind.XLSX, built, world.city)
    book = workbook(job)
    counties = [row[1] for row in book["按县区汇总"].iter_rows(min_row=2, values_only=True)]
    assert counties == ["甲县教育局", "乙县教育局"]
    event = AuditEvent.objects.get(action="export_request", actor=world.sam)
    assert event.detail["unit"] == world.city.pk and event.detail["kind"] == "xlsx"
    with pytest.raises(Http404):  # the province is above the supervisor: not theirs
        export_request(user=world.sam, kind="xlsx", campaign=built.campaign, unit=world.province)


def response_ok(page: str) -> bool:
    return "无权访问" not in page


def test_starting_an_export_needs_a_csrf_token(world, built):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.rita)
    response = client.post(
        "/dashboard/exports/",
        {"campaign": built.campaign.pk, "unit": world.county_a.pk, "kind": "xlsx"},
    )
    assert response.status_code == 403 and not ExportJob.objects.exists()

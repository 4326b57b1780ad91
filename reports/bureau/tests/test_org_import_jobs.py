"""Importing a sheet: reading at most MAX_ROWS rows, hostile sheets, large imports as a job."""

import io

import pytest
from openpyxl import Workbook

from reports.bureau.tests.test_org_import import (
    HEADER,
    csv_bytes,
    post_sheet,
    rejected_page,
    row,
)
from reports.models import User

# ---------------------------------------------------------------- reading at most MAX_ROWS


def test_a_csv_past_the_row_limit_is_refused_without_reading_the_rest():
    from reports.services.org_sheet import SheetError, read_sheet

    lines = [",".join(HEADER)]
    lines += [f"X{i},单位{i},学区,CA,,,,,,," for i in range(50_001)]
    # A field far past csv's field size limit: reading this far would fail differently.
    lines.append('X-last,"' + "长" * 200_000 + '",学区,CA,,,,,,,')
    data = ("\n".join(lines) + "\n").encode()
    with pytest.raises(SheetError, match="一次最多导入 50000 行"):
        read_sheet(io.BytesIO(data), "orgs.csv")


def test_an_xlsx_past_the_row_limit_is_refused_without_reading_the_rest():
    """Row 50,002 passes the limit (the empty rows between count); row 50,003 holds a cell
    openpyxl cannot read, so a reader that reads everything first fails on it instead."""
    import zipfile

    from reports.services.org_sheet import SheetError, read_sheet

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["X1", "单位", "学区", "CA"])
    sheet.cell(row=50_002, column=1, value="X2")
    plain = io.BytesIO()
    workbook.save(plain)
    hostile = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                bad = b'<row r="50003"><c r="A50003" t="n"><v>not-a-number</v></c></row>'
                content = content.replace(b"</sheetData>", bad + b"</sheetData>")
            target.writestr(info.filename, content)
    with pytest.raises(SheetError, match="一次最多导入 50000 行"):
        read_sheet(io.BytesIO(hostile.getvalue()), "orgs.xlsx")


def test_a_hostile_sheet_is_a_message_not_an_error(world, login):
    client = login(world.ada)
    oversized = (",".join(HEADER) + '\nX1,"' + "长" * 200_000 + '",学区,CA\n').encode()
    page = post_sheet(client, oversized, "orgs.csv").content.decode()
    assert "CSV 文件第" in page and "格式有误" in page
    long_name = [row("XL-1", "名" * 201, "学区", "CA", username="bad user", role="填报员")]
    page = rejected_page(client, long_name)
    assert "第2行：单位名称超过200个字" in page
    assert "第2行：账号“bad user”只能包含字母、数字和 @ . + - _" in page


# ---------------------------------------------------------------- large imports run as a job


def account_rows(count: int) -> list[list[str]]:
    return [
        row(f"90000{i:05d}", f"新学校{i}", "学校", "CA", "小学", f"bulk-{i}", "填报员")
        for i in range(count)
    ]


@pytest.mark.django_db
def test_a_large_import_becomes_a_job_with_a_polling_progress_page(world, login):
    from reports.bureau.import_jobs import import_job_run
    from reports.choices import ImportState, Role
    from reports.models import ImportJob
    from tests.world import make_user

    client = login(world.ada)
    response = post_sheet(client, csv_bytes(account_rows(31)), "orgs.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orgs/import/jobs/{job.pk}/"
    assert not User.objects.filter(username__startswith="bulk-").exists()  # not in the request
    page = client.get(f"/orgs/import/jobs/{job.pk}/").content.decode()
    assert f'hx-get="/orgs/import/jobs/{job.pk}/progress/"' in page
    assert 'hx-trigger="every 2s"' in page and "排队中" in page
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, progress=10, total=31)
    fragment = client.get(f"/orgs/import/jobs/{job.pk}/progress/").content.decode()
    assert "10/31" in fragment and "hx-trigger" in fragment

    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.progress == job.total == 31
    assert bytes(job.sheet) == b""  # the uploaded file (初始密码 in clear) is blanked
    assert (
        User.objects.filter(username__startswith="bulk-", must_change_password=True).count() == 31
    )
    fragment = client.get(f"/orgs/import/jobs/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in fragment and "新建账号 31 个" in fragment
    username, password = job.result["passwords"][0]
    assert password in fragment and User.objects.get(username=username).check_password(password)

    other_admin = make_user("other-admin", world.province, Role.ADMIN)
    other = login(other_admin)
    for url in ("", "progress/"):
        assert other.get(f"/orgs/import/jobs/{job.pk}/{url}").status_code == 404
    assert other.post(f"/orgs/import/jobs/{job.pk}/clear-passwords/").status_code == 404

    client = login(world.ada)
    client.get(f"/orgs/import/jobs/{job.pk}/")  # viewing writes nothing
    job.refresh_from_db()
    assert len(job.result["passwords"]) == 31
    client.post(f"/orgs/import/jobs/{job.pk}/clear-passwords/")
    job.refresh_from_db()
    assert job.result["passwords"] == [] and password not in str(job.result)
    page = client.get(f"/orgs/import/jobs/{job.pk}/").content.decode()
    assert password not in page and "31 个初始密码已删除" in page


@pytest.mark.django_db
def test_a_job_is_sent_to_celery_after_commit_and_checks_the_scope_when_it_runs(
    world, district, login, eager_celery, django_capture_on_commit_callbacks
):
    from reports.choices import ImportState
    from reports.models import ImportJob

    unit, school, admin = district
    rows = account_rows(31)
    rows.append(row("1000000009", "城关小学", "学校", "XQ-1", "小学", "rita", "管理员"))
    with django_capture_on_commit_callbacks(execute=True):
        post_sheet(login(admin), csv_bytes([[*r[:3], "XQ-1", *r[4:]] for r in rows]), "o.csv")
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    assert "第33行：账号“rita”已存在且不在您的管辖范围内" in job.result["errors"]
    assert not User.objects.filter(username__startswith="bulk-").exists()
    world.rita.refresh_from_db()
    assert world.rita.membership.organization == world.county_a
    page = login(admin).get(f"/orgs/import/jobs/{job.pk}/").content.decode()
    assert "本次没有导入任何数据" in page and "账号“rita”已存在且不在您的管辖范围内" in page


@pytest.mark.django_db
def test_a_job_left_pending_by_a_broker_outage_is_sent_again(world, eager_celery):
    from datetime import timedelta

    from django.utils import timezone

    from reports.bureau.tasks import import_jobs_requeue
    from reports.choices import ImportState
    from reports.models import ImportJob

    fresh = ImportJob.objects.create(
        requested_by=world.ada, filename="a.csv", sheet=csv_bytes(account_rows(31))
    )
    stale = ImportJob.objects.create(
        requested_by=world.ada, filename="b.csv", sheet=csv_bytes(account_rows(31))
    )
    ImportJob.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert import_jobs_requeue() == 1
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.state == ImportState.PENDING and stale.state == ImportState.DONE
    assert stale.result["users_created"] == 31

"""The rectification loop closes by itself: the school updates an item from its home page after
its report was approved, marks it 已整改 (the reviewer is told, with a link to where 核实 is),
the reviewer verifies it (the school is told, with a link to its items); every change is in
the item's history and the audit log."""

from django.core.files.uploadedfile import SimpleUploadedFile

from reports.choices import RectificationStatus, ReportState
from reports.models import AuditEvent, Notification, RectificationEvent, RectificationItem
from reports.workflow import report_approve, report_open_review
from tests.factories import MINIMAL_PDF
from tests.test_review_workflow import submitted_report


def approved_with_item(world) -> RectificationItem:
    report = submitted_report(world)
    report_open_review(report_id=report.pk, reviewer=world.rita)
    report.refresh_from_db()
    report_approve(report_id=report.pk, reviewer=world.rita, version_number=report.version)
    report.refresh_from_db()
    return RectificationItem.objects.create(
        organization=world.school_a1, report=report, problem="个别班级作业总量超标"
    )


def update(item, **fields):
    prefix = f"item{item.pk}-"
    data = {"measure": "", "owner": "", "due_date": "", "status": "open", "comment": ""}
    data.update(fields)
    return {prefix + k: v for k, v in data.items()}


def test_the_loop_from_the_school_home_to_verification(
    world, login, django_capture_on_commit_callbacks
):
    item = approved_with_item(world)
    assert item.report.state == ReportState.APPROVED
    school = login(world.alice)
    home = school.get("/").content.decode()
    assert "有 <strong>1</strong> 项整改事项尚未核实" in home and 'href="/rectifications/"' in home
    page = school.get("/rectifications/").content.decode()
    assert "个别班级作业总量超标" in page and f'action="/rectifications/{item.pk}/update/"' in page

    # Reviewer's page: no 核实 button while the school has written no measures.
    reviewer = login(world.rita)
    followup = reviewer.get("/review/rectifications/").content.decode()
    assert f"/review/rectifications/{item.pk}/verify/" not in followup
    assert "尚未填写整改措施" in followup
    refused = reviewer.post(f"/review/rectifications/{item.pk}/verify/", follow=True)
    assert "不能核实" in refused.content.decode()

    school = login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        school.post(
            f"/rectifications/{item.pk}/update/",
            update(
                item,
                measure="每日作业公示，年级组长每周抽查",
                owner="王老师",
                due_date="2026-06-30",
                status="done",
                comment="已连续四周抽查",
                evidence=SimpleUploadedFile("抽查记录.pdf", MINIMAL_PDF),
            ),
        )
    item.refresh_from_db()
    assert (item.status, item.owner, str(item.due_date)) == ("done", "王老师", "2026-06-30")
    note = Notification.objects.get(user=world.rita, kind="rectification_done")
    assert "甲县第一小学" in note.title and note.url.startswith("/review/rectifications/")
    assert note.url.endswith(f"#item-{item.pk}")
    assert not Notification.objects.filter(user=world.alice, kind="rectification_done").exists()

    reviewer = login(world.rita)
    followup = reviewer.get(note.url).content.decode()
    assert f"/review/rectifications/{item.pk}/verify/" in followup
    assert "抽查记录.pdf" in followup and "已连续四周抽查" in followup
    with django_capture_on_commit_callbacks(execute=True):
        reviewer.post(f"/review/rectifications/{item.pk}/verify/", {"comment": "抽查属实"})
    item.refresh_from_db()
    assert item.status == RectificationStatus.VERIFIED
    told = Notification.objects.get(user=world.alice, kind="rectification_verified")
    assert told.url == f"/rectifications/#item-{item.pk}"

    # The verified item stays visible, with its history; the school can no longer change it.
    school = login(world.alice)
    page = school.get(told.url).content.decode()
    assert "已核实（已闭环）" in page and "抽查属实" in page and "王老师" in page
    assert f'action="/rectifications/{item.pk}/update/"' not in page
    late = school.post(f"/rectifications/{item.pk}/update/", update(item, measure="改"))
    assert "已经核实，不能再修改" in late.content.decode()
    item.refresh_from_db()
    assert item.status == RectificationStatus.VERIFIED
    kinds = list(item.events.values_list("kind", "actor__username"))
    assert kinds == [("updated", "alice"), ("verified", "rita")]
    audit = list(
        AuditEvent.objects.filter(detail__item=item.pk)
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert audit == [("rectification_update", "alice"), ("rectification_verify", "rita")]
    changes = AuditEvent.objects.get(action="rectification_update").detail["changes"]
    assert changes["status"] == {"from": "open", "to": "done"}


def test_already_done_needs_measures_and_a_refused_update_keeps_the_text(world, login):
    item = approved_with_item(world)
    page = login(world.alice).post(
        f"/rectifications/{item.pk}/update/",
        update(item, owner="李主任", status="done", comment="我写的说明不能丢"),
    )
    text = page.content.decode()
    assert page.status_code == 400 and "请填写采取的整改措施" in text
    assert "李主任" in text and "我写的说明不能丢" in text
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN and item.owner == ""
    assert (
        not RectificationEvent.objects.exists()
        and not AuditEvent.objects.filter(action="rectification_update").exists()
    )


def test_bad_evidence_and_a_bad_date_are_refused_in_chinese(world, login):
    item = approved_with_item(world)
    client = login(world.alice)
    bad = client.post(
        f"/rectifications/{item.pk}/update/",
        update(item, measure="措施", evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 20)),
    )
    assert bad.status_code == 400 and "佐证材料未保存" in bad.content.decode()
    date = client.post(f"/rectifications/{item.pk}/update/", update(item, due_date="6月30日"))
    assert date.status_code == 400 and "请输入正确的日期" in date.content.decode()
    assert not RectificationEvent.objects.exists()


def test_other_schools_and_staff_cannot_update_or_download(world, login):
    item = approved_with_item(world)
    login(world.alice).post(
        f"/rectifications/{item.pk}/update/",
        update(item, measure="措施", evidence=SimpleUploadedFile("记录.pdf", MINIMAL_PDF)),
    )
    event = item.events.get()
    assert (
        login(world.amy).post(f"/rectifications/{item.pk}/update/", update(item)).status_code == 404
    )
    assert login(world.rita).get("/rectifications/").status_code == 403
    assert login(world.amy).get(f"/rectifications/evidence/{event.pk}/").status_code == 404
    assert login(world.ben).get(f"/rectifications/evidence/{event.pk}/").status_code == 404
    download = login(world.rita).get(f"/rectifications/evidence/{event.pk}/")
    assert b"".join(download.streaming_content) == MINIMAL_PDF

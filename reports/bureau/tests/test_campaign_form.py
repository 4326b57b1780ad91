"""The task form refuses mistakes without losing work; drafts are editable and deletable; every
write on a task is audited; the task page shows what was chosen and one set of counts."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reports.bureau.tests.test_campaigns import create_payload, local_input
from reports.choices import CampaignStatus, Role
from reports.models import AuditEvent, Campaign, ChecklistItemDefinition, IndicatorDefinition
from tests.factories import MINIMAL_PDF, fill, make_campaign
from tests.world import make_user


def past_deadline() -> str:
    return local_input((timezone.localtime() - timedelta(days=1)).replace(hour=17, minute=0))


def test_a_past_deadline_is_refused_naming_the_consequence(world, login):
    page = login(world.ada).post("/campaigns/new/", create_payload(world, deadline=past_deadline()))
    text = page.content.decode()
    assert "已经过去" in text and "逾期未交" in text
    assert not Campaign.objects.exists()


def test_publishing_a_draft_whose_deadline_has_passed_is_refused(world, login):
    campaign = make_campaign(
        world,
        publish=False,
        opens_at=timezone.now() - timedelta(days=9),
        deadline=timezone.now() - timedelta(hours=1),
    )
    page = login(world.ada).post(f"/campaigns/{campaign.pk}/publish/", follow=True)
    assert "逾期未交" in page.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert not campaign.reports.exists()


def test_the_notice_file_survives_a_refused_submit(world, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = login(world.ada)
    first = client.post(
        "/campaigns/new/",
        {
            **create_payload(world, deadline=past_deadline()),
            "notice_file": SimpleUploadedFile("关于开展自查的通知.pdf", MINIMAL_PDF),
        },
    )
    text = first.content.decode()
    assert "关于开展自查的通知.pdf" in text and "无需重新选择" in text
    token = first.context["notice_token"]
    # Another admin cannot claim the file with the same token.
    other = login(make_user("other-admin", world.county_a, Role.ADMIN))
    foreign = {**create_payload(world, deadline=past_deadline()), "notice_token": token}
    assert "关于开展自查的通知.pdf" not in other.post("/campaigns/new/", foreign).content.decode()
    client = login(world.ada)
    client.post("/campaigns/new/", {**create_payload(world), "notice_token": token})
    campaign = Campaign.objects.get()
    assert campaign.notice_file.name.endswith(".pdf")
    assert campaign.notice_file.open("rb").read() == MINIMAL_PDF
    assert not list((tmp_path / "notices" / "pending" / str(world.ada.pk)).glob("*/*"))


def test_a_malformed_token_is_ignored(world, login):
    page = login(world.ada).post(
        "/campaigns/new/", {**create_payload(world), "notice_token": "../../etc/passwd"}
    )
    assert page.status_code == 302
    assert not Campaign.objects.get().notice_file


def test_a_new_form_preselects_the_default_topic_grouped(world, login):
    page = login(world.ada).get("/campaigns/new/").content.decode()
    homework = IndicatorDefinition.objects.get(code="homework_junior")
    docs = IndicatorDefinition.objects.get(code="docs_this_year")
    hw_item = ChecklistItemDefinition.objects.get(code="hw_no_grade12")
    tb_item = ChecklistItemDefinition.objects.get(code="tb_plan_only")
    assert f'value="{homework.pk}" id="ind-{homework.pk}" data-topics="shuangjian" checked' in page
    assert f'value="{docs.pk}" id="ind-{docs.pk}" data-topics="teacher grassroots">' in page
    assert f'id="chk-{hw_item.pk}" data-topics="shuangjian" checked' in page
    assert f'id="chk-{tb_item.pk}" data-topics="teacher grassroots">' in page
    assert "学生减负与五项管理" in page and "作业管理" in page and "教师减负" in page


def test_creating_editing_and_deleting_a_draft_are_audited(world, login):
    client = login(world.ada)
    client.post("/campaigns/new/", create_payload(world))
    campaign = Campaign.objects.get()
    created = AuditEvent.objects.get(action="campaign_create")
    assert created.actor == world.ada and created.detail["task"]["title"] == "甲县双减自查"
    edit = client.get(f"/campaigns/{campaign.pk}/edit/").content.decode()
    assert "一、基本情况" in edit and "甲县双减自查" in edit
    client.post(
        f"/campaigns/{campaign.pk}/edit/",
        create_payload(
            world, title="甲县双减自查（修订）", opens_at=local_input(campaign.opens_at)
        ),
    )
    campaign.refresh_from_db()
    assert campaign.title == "甲县双减自查（修订）"
    changes = AuditEvent.objects.get(action="campaign_edit").detail["changes"]
    assert changes == {"title": {"from": "甲县双减自查", "to": "甲县双减自查（修订）"}}
    client.post(f"/campaigns/{campaign.pk}/delete/")
    assert not Campaign.objects.exists()
    assert AuditEvent.objects.get(action="campaign_delete").target == "甲县双减自查（修订）"


def test_a_published_task_can_be_neither_edited_nor_deleted(world, login):
    campaign = make_campaign(world)
    client = login(world.ada)
    client.post(f"/campaigns/{campaign.pk}/edit/", create_payload(world, title="改名"))
    client.post(f"/campaigns/{campaign.pk}/delete/")
    campaign.refresh_from_db()
    assert campaign.title == "甲县落实双减自查"
    assert not AuditEvent.objects.filter(action__in=["campaign_edit", "campaign_delete"]).exists()
    assert login(world.rita).post(f"/campaigns/{campaign.pk}/delete/").status_code == 403


def test_the_task_page_shows_what_was_chosen_and_counts_that_add_up(world, login):
    campaign = make_campaign(world, target_school_types=["primary", "junior"])
    report = campaign.reports.get(organization=world.school_a1)
    fill(report, world.alice)
    page = login(world.rita).get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "限小学、初中" in page
    for section in campaign.sections:
        assert section["title"] in page
    for indicator in campaign.indicators.all():
        assert str(indicator) in page
    for item in campaign.checklist_items.all():
        assert item.text in page
    counts = page[page.index('id="campaign-counts"') : page.index("各项相加")]
    assert 'data-count="total">2<' in counts
    assert 'data-count="not_started">1<' in counts
    assert '>草稿</div><div class="fs-5" data-count="draft">1<' in counts
    assert page.count(">应报<") == 1


def test_abandoned_kept_files_are_removed_after_a_day(world, tmp_path, settings):
    import os
    import time

    from reports.services.campaigns import pending_notice_name, pending_notice_store

    settings.MEDIA_ROOT = tmp_path
    old = pending_notice_store(user=world.ada, upload=SimpleUploadedFile("旧.pdf", MINIMAL_PDF))
    (path,) = (tmp_path / "notices" / "pending" / str(world.ada.pk) / old).iterdir()
    two_days_ago = time.time() - 2 * 86400
    os.utime(path, (two_days_ago, two_days_ago))
    new = pending_notice_store(user=world.ada, upload=SimpleUploadedFile("新.pdf", MINIMAL_PDF))
    assert pending_notice_name(user=world.ada, token=old) is None
    assert pending_notice_name(user=world.ada, token=new) == "新.pdf"

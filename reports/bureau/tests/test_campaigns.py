"""Campaigns: creation by a bureau admin, publishing to the target schools, closing."""

from datetime import timedelta

from django.utils import timezone

from reports.choices import CampaignStatus, Role
from reports.models import Campaign, IndicatorDefinition, Report
from tests.factories import MINIMAL_PDF, make_campaign
from tests.world import make_user


def local_input(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def create_payload(world, **overrides):
    now = timezone.localtime()
    deadline = (now + timedelta(days=7)).replace(hour=17, minute=0)
    payload = {
        "title": "甲县双减自查",
        "period": "2025—2026学年第一学期",
        "topic": "shuangjian",
        "notice": "请各校如实自查。",
        "target_unit": world.county_a.pk,
        "target_school_types": ["primary"],
        "opens_at": local_input(now),
        "deadline": local_input(deadline),
        "section_titles": "一、基本情况\n二、存在的问题\n三、下步打算",
        "indicators": list(
            IndicatorDefinition.objects.filter(code__in=["enrolment", "pe_minutes"]).values_list(
                "pk", flat=True
            )
        ),
    }
    payload.update(overrides)
    return payload


def test_the_catalogues_ship_with_the_design_items(db):
    from reports.models import ChecklistItemDefinition

    homework = IndicatorDefinition.objects.get(code="homework_junior")
    assert (homework.unit, homework.policy_max) == ("分钟/天", 90)
    assert "junior" in homework.school_types
    assert IndicatorDefinition.objects.count() >= 30
    assert ChecklistItemDefinition.objects.filter(topic="teacher_burden").count() >= 9
    assert ChecklistItemDefinition.objects.filter(code="hw_no_grade12").exists()


def test_an_admin_creates_a_draft_campaign_with_sections_by_kind(world, login):
    client = login(make_user("county-admin", world.county_a, Role.ADMIN))
    response = client.post("/campaigns/new/", create_payload(world))
    campaign = Campaign.objects.get(title="甲县双减自查")
    assert response.status_code == 302
    assert campaign.status == CampaignStatus.DRAFT
    assert [s["kind"] for s in campaign.sections] == ["overview", "problems", "next_steps"]
    assert campaign.issuer == world.county_a
    assert not Report.objects.filter(campaign=campaign).exists()


def test_a_deadline_at_night_is_refused(world, login):
    client = login(world.ada)
    night = (timezone.localtime() + timedelta(days=3)).replace(hour=23, minute=30)
    page = client.post("/campaigns/new/", create_payload(world, deadline=local_input(night)))
    assert "截止时间请设在工作时间" in page.content.decode()
    assert not Campaign.objects.exists()


def test_a_reviewer_cannot_create_campaigns(world, login):
    assert login(world.rita).get("/campaigns/new/").status_code == 403


def test_publishing_reaches_every_target_school_of_the_type(world, login):
    campaign = make_campaign(world, publish=False, target_school_types=["primary"])
    client = login(world.ada)
    client.post(f"/campaigns/{campaign.pk}/publish/")
    schools = set(
        Report.objects.filter(campaign=campaign).values_list("organization__code", flat=True)
    )
    assert schools == {"1000000001"}  # A2 is a 初中, B1 is in the other county
    home = login(world.alice).get("/").content.decode()
    assert "甲县落实双减自查" in home and "还剩" in home
    assert "甲县落实双减自查" not in login(world.amy).get("/").content.decode()


def test_publishing_twice_does_not_duplicate_reports(world):
    from reports.services.reports import campaign_publish

    campaign = make_campaign(world)
    campaign_publish(campaign=campaign, actor=world.ada)
    assert Report.objects.filter(campaign=campaign).count() == 2


def test_a_sibling_county_does_not_see_the_campaign(world, login):
    campaign = make_campaign(world)
    assert login(world.ben).get(f"/campaigns/{campaign.pk}/").status_code == 404
    assert login(world.rita).get(f"/campaigns/{campaign.pk}/").status_code == 200
    assert login(world.sam).get(f"/campaigns/{campaign.pk}/").status_code == 200
    assert "甲县落实双减自查" not in login(world.ben).get("/campaigns/").content.decode()


def test_a_draft_campaign_stays_hidden_from_schools(world, login):
    make_campaign(world, publish=False)
    assert "甲县落实双减自查" not in login(world.alice).get("/").content.decode()


def test_only_an_admin_of_the_issuer_publishes_or_closes(world, login):
    campaign = make_campaign(world, publish=False)
    assert login(world.rita).post(f"/campaigns/{campaign.pk}/publish/").status_code == 403
    assert (
        login(world.alice).post(f"/campaigns/{campaign.pk}/close/").status_code == 404
    )  # unseen draft
    assert login(world.ada).get(f"/campaigns/{campaign.pk}/publish/").status_code == 405


def test_the_campaign_page_counts_not_started_reports(world, login):
    campaign = make_campaign(world)
    page = login(world.rita).get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "未开始" in page and "甲县第一小学" in page and "乙县第一小学" not in page


def test_the_notice_file_is_checked_and_served_only_to_those_who_see_the_task(
    world, login, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = login(world.ada)
    refused = client.post(
        "/campaigns/new/",
        {
            **create_payload(world),
            "notice_file": SimpleUploadedFile("通知.pdf", b"MZ\x90\x00" + b"\x00" * 64),
        },
    )
    assert "不支持的文件类型" in refused.content.decode() or "不是" in refused.content.decode()
    assert not Campaign.objects.exists()
    client.post(
        "/campaigns/new/",
        {**create_payload(world), "notice_file": SimpleUploadedFile("通知.pdf", MINIMAL_PDF)},
    )
    campaign = Campaign.objects.get()
    client.post(f"/campaigns/{campaign.pk}/publish/")
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    page = login(world.alice).get(f"/reports/{report.pk}/").content.decode()
    assert f"/campaigns/{campaign.pk}/notice-file/" in page
    download = login(world.alice).get(f"/campaigns/{campaign.pk}/notice-file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(world.bob).get(f"/campaigns/{campaign.pk}/notice-file/").status_code == 404

"""Small builders for campaigns and reports, used by the tests of several areas."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from reports.models import Campaign, ChecklistItemDefinition, IndicatorDefinition, Report, User
from reports.services.reports import campaign_publish, report_save_draft

INDICATORS = ["enrolment", "after_school_students", "after_school_rate", "homework_grade36"]
CHECKLIST = ["hw_no_grade12", "as_every_day"]


def make_campaign(world, *, publish: bool = True, days_left: int = 10, **extra) -> Campaign:
    now = timezone.now()
    campaign = Campaign.objects.create(
        title=extra.pop("title", "甲县落实双减自查"),
        period=extra.pop("period", "2025—2026学年第一学期"),
        issuer=world.county_a,
        target_unit=world.county_a,
        opens_at=extra.pop("opens_at", now - timedelta(days=5)),
        deadline=extra.pop("deadline", now + timedelta(days=days_left)),
        **extra,
    )
    campaign.indicators.set(IndicatorDefinition.objects.filter(code__in=INDICATORS))
    campaign.checklist_items.set(ChecklistItemDefinition.objects.filter(code__in=CHECKLIST))
    if publish:
        campaign_publish(campaign=campaign, actor=world.ada)
    return campaign


def complete_content() -> dict:
    return {
        "sections": {
            "achievements": "学校全面落实作业公示制度，课后服务每周五天全覆盖。",
            "problems": "个别教师作业设计能力不足。",
            "next_steps": "开展作业设计培训。",
        },
        "indicator_values": {
            "enrolment": 800,
            "after_school_students": 720,
            "homework_grade36": 50,
        },
        "checklist_answers": {
            "hw_no_grade12": {"answer": "done", "note": ""},
            "as_every_day": {"answer": "done", "note": ""},
        },
    }


def fill(report: Report, user: User, content: dict | None = None) -> Report:
    return report_save_draft(
        report_id=report.pk, actor=user, revision=report.revision, **(content or complete_content())
    )


def form_data(report: Report, content: dict | None = None) -> dict[str, str]:
    """The POST body the report form sends for ``content``."""
    content = content or complete_content()
    data = {"revision": str(report.revision)}
    for key, text in content["sections"].items():
        data[f"section_{key}"] = text
    for code, value in content["indicator_values"].items():
        data[f"ind_{code}"] = str(value)
    for code, answer in content["checklist_answers"].items():
        data[f"chk_{code}"] = answer["answer"]
        data[f"note_{code}"] = answer["note"]
    return data


# The smallest PDF the attachment guard accepts (one empty page, no script).
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def audit_row_at(when, *, action: str, organization=None, actor=None, target: str = "") -> int:
    """An audit row dated ``when``: inserted in SQL, since the ORM stamps ``created_at`` now
    and the table refuses UPDATE (the trigger of migration 0015)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_auditevent (created_at, actor_id, actor_name, action, result,"
            " target, organization_id, detail, ip_address, user_agent)"
            " VALUES (%s, %s, %s, %s, 'success', %s, %s, '{}', NULL, '') RETURNING id",
            [
                when,
                actor.pk if actor else None,
                actor.username if actor else "",
                action,
                target,
                organization.pk if organization else None,
            ],
        )
        return cursor.fetchone()[0]

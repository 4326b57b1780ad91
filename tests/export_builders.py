"""Builders shared by the dashboard, export and API tests (this module holds no tests).

``build(world)`` makes a campaign issued by the city for all its schools, then:
A1 (alice) submitted and approved, with an analysis that found copying (from another
school and from the reference library) and placeholders; A2 (amy) submitted and returned;
B1 (bob) never started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from reports.choices import AnalysisState
from reports.models import (
    AnalysisResult,
    Campaign,
    ChecklistItemDefinition,
    IndicatorDefinition,
    Report,
    ReportVersion,
)
from reports.services.reports import campaign_publish
from reports.workflow import report_approve, report_open_review, report_return, report_submit
from tests.factories import CHECKLIST, INDICATORS, complete_content, fill


@dataclass
class Built:
    campaign: Campaign
    a1: Report
    a2: Report
    b1: Report


def city_campaign(world, *, title: str = "测试市落实双减自查", days_left: int = 10, **extra):
    now = timezone.now()
    campaign = Campaign.objects.create(
        title=title,
        period=extra.pop("period", "2025—2026学年第一学期"),
        issuer=world.city,
        target_unit=world.city,
        opens_at=extra.pop("opens_at", now - timedelta(days=5)),
        deadline=extra.pop("deadline", now + timedelta(days=days_left)),
        **extra,
    )
    campaign.indicators.set(IndicatorDefinition.objects.filter(code__in=INDICATORS))
    campaign.checklist_items.set(ChecklistItemDefinition.objects.filter(code__in=CHECKLIST))
    campaign_publish(campaign=campaign, actor=world.ada)
    return campaign


def content(problems: str = "个别教师作业设计能力不足。", **values) -> dict:
    data = complete_content()
    data["sections"]["problems"] = problems
    data["indicator_values"].update(values)
    return data


def submit(report: Report, user, data: dict | None = None) -> ReportVersion:
    fill(report, user, data or content())
    return report_submit(report_id=report.pk, actor=user)


def approve(report: Report, reviewer) -> None:
    report_open_review(report_id=report.pk, reviewer=reviewer)
    report.refresh_from_db()
    report_approve(report_id=report.pk, reviewer=reviewer, version_number=report.version)


def send_back(report: Report, reviewer) -> None:
    report_open_review(report_id=report.pk, reviewer=reviewer)
    report.refresh_from_db()
    report_return(
        report_id=report.pk, reviewer=reviewer, version_number=report.version, comment="请补充数据"
    )


def analyse(version: ReportVersion, *, sources: tuple[str, ...] = (), **flags) -> AnalysisResult:
    base = {
        "copied_share": 0.0,
        "copies": 0,
        "placeholders": 0,
        "residue": 0,
        "off_topic": False,
        "genre": "report",
        "not_report": False,
        "contradictions": 0,
        "burden_signals": 0,
        "missing_sections": 0,
    }
    base.update(flags)
    result, _ = AnalysisResult.objects.update_or_create(
        version=version,
        defaults={
            "state": AnalysisState.DONE,
            "flags": base,
            "copied_share": base["copied_share"],
            "risk": 10 * base["copies"] + base["placeholders"],
            "result": {"copies": [{"source": s, "similarity": 0.9} for s in sources]},
        },
    )
    return result


def build(world) -> Built:
    campaign = city_campaign(world)
    a1 = Report.objects.get(campaign=campaign, organization=world.school_a1)
    a2 = Report.objects.get(campaign=campaign, organization=world.school_a2)
    b1 = Report.objects.get(campaign=campaign, organization=world.school_b1)
    version = submit(a1, world.alice, content(homework_grade36=70))
    analyse(
        version,
        copies=2,
        copied_share=0.4,
        placeholders=3,
        sources=("version:999", "reference:5"),
    )
    approve(a1, world.rita)
    junior = content(
        "课后服务师资紧张，艺术类课程不够丰富。部分家长仍存在焦虑情绪。", enrolment=1200
    )
    del junior["indicator_values"]["homework_grade36"]  # not asked of a junior school
    submit(a2, world.amy, junior)
    send_back(a2, world.rita)
    for report in (a1, a2, b1):
        report.refresh_from_db()
    return Built(campaign, a1, a2, b1)

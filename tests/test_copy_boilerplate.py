"""Copies in the portal: a stock phrase shared by two counties' reports is not 雷同, and a
passage many schools in several counties share is boilerplate by document frequency, while
the same passage shared inside one county (its template) is still a copy."""

import pytest
from django.utils import timezone

from reports.choices import OrgKind, SchoolType
from reports.models import Campaign, Organization, Report, ReportVersion
from reports.pipeline import run_analysis
from tests.analysis.test_boilerplate import OWN_A, OWN_B, STOCK

# Not in the policy phrase library: only document frequency can call it boilerplate.
SHARED = (
    "按照省厅统一部署，各校要对照作业、睡眠、手机、读物、体质五个方面逐条自查，"
    "建立问题清单和整改台账，限期整改到位并报县教育局备案。"
)


def version(school: Organization, text: str) -> ReportVersion:
    county = school.parent
    campaign = Campaign.objects.filter(issuer=county).first() or Campaign.objects.create(
        title=f"{county.name}自查",
        period="2025—2026学年第一学期",
        issuer=county,
        target_unit=county,
        opens_at=timezone.now(),
        deadline=timezone.now(),
    )
    report = Report.objects.create(campaign=campaign, organization=school, version=1)
    return ReportVersion.objects.create(
        report=report, number=1, text=text, submitted_at=timezone.now()
    )


def schools(world, county: Organization, n: int, prefix: str) -> list[Organization]:
    return [
        Organization.objects.create(
            name=f"{prefix}{i}小学",
            code=f"{county.code}{prefix}{i}",
            kind=OrgKind.SCHOOL,
            parent=county,
            school_type=SchoolType.PRIMARY,
        )
        for i in range(n)
    ]


def test_a_stock_phrase_shared_by_two_counties_is_not_flagged(world):
    run_analysis(version(world.school_b1, STOCK + OWN_B).pk)
    result = run_analysis(version(world.school_a1, STOCK + OWN_A).pk)
    assert result.result["copies"] == [] and result.copied_share == 0
    assert not result.flags["copies"]


@pytest.mark.parametrize("counties", [3, 1])
def test_document_frequency_tells_a_common_document_from_a_county_template(world, counties):
    extra = [
        Organization.objects.create(
            name=f"丙{i}县教育局", code=f"X{i}", kind=OrgKind.COUNTY, parent=world.city
        )
        for i in range(2)
    ]
    pool = [world.county_a, *extra][:counties]
    earlier = [s for i in range(5) for s in schools(world, pool[i % counties], 1, f"前{i}")]
    for i, school in enumerate(earlier):
        run_analysis(version(school, SHARED + f"\n第{i}校自己的话。").pk)
    result = run_analysis(version(world.school_a1, SHARED + "\n" + OWN_A).pk)
    if counties > 1:  # many schools in several counties: a common document
        assert result.result["copies"] == [] and result.copied_share == 0
    else:  # five schools of one county: the county's template, still copied
        assert result.result["copies"] and result.copied_share > 0.2

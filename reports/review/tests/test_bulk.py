"""Bulk approval with a sampled audit: 20 clean reports, one comment, a random sample of at
least one (10 %) approved one by one first; the audit log records the batch and the sample."""

import pytest

from reports.approval_batches import sample_size
from reports.choices import AnalysisState, OrgKind, ReportState, ReviewKind, Role, SchoolType
from reports.models import (
    AnalysisResult,
    ApprovalBatch,
    AuditEvent,
    Organization,
    Report,
    ReviewAction,
)
from reports.workflow import report_submit
from tests.factories import fill, make_campaign
from tests.world import make_user

CLEAN = {
    "copies": 0,
    "placeholders": 0,
    "residue": 0,
    "contradictions": 0,
    "off_topic": False,
    "not_report": False,
    "missing_sections": 0,
}


def _analyse(report: Report, **flags) -> None:
    version = report.versions.get(number=report.version)
    AnalysisResult.objects.update_or_create(
        version=version,
        defaults={"state": AnalysisState.DONE, "flags": {**CLEAN, **flags}, "copied_share": 0},
    )


@pytest.fixture
def twenty(world):
    for n in range(20):
        Organization.objects.create(
            name=f"甲县第{n + 10}小学",
            code=f"10000001{n:02d}",
            kind=OrgKind.SCHOOL,
            parent=world.county_a,
            school_type=SchoolType.PRIMARY,
        )
    campaign = make_campaign(world)
    reports = []
    for report in Report.objects.filter(
        campaign=campaign, organization__code__startswith="10000001"
    ):
        clerk = make_user(f"clerk{report.pk}", report.organization, Role.SUBMITTER)
        fill(report, clerk)
        report_submit(report_id=report.pk, actor=clerk)
        report.refresh_from_db()
        _analyse(report)
        reports.append(report)
    assert len(reports) == 20
    return campaign, reports


def test_the_sample_is_ten_percent_rounded_up_and_at_least_one():
    assert [sample_size(n) for n in (1, 9, 10, 11, 20, 300)] == [1, 1, 1, 2, 2, 30]


def test_bulk_approval_of_20_clean_reports_with_its_sample(world, login, twenty):
    campaign, reports = twenty
    client = login(world.rita)
    queue = client.get(f"/review/?campaign={campaign.pk}&flag=clean").content.decode()
    assert queue.count('name="report"') == 20 and "批量通过所选" in queue

    response = client.post(
        "/review/bulk/",
        {"campaign": campaign.pk, "report": [r.pk for r in reports], "comment": "材料齐全"},
    )
    batch = ApprovalBatch.objects.get()
    assert response.url == f"/review/bulk/{batch.pk}/"
    assert len(batch.sample) == 2 and set(batch.sample) <= {r.pk for r in reports}
    start = AuditEvent.objects.get(action="approval_batch_start")
    assert start.detail["sample"] == batch.sample and len(start.detail["reports"]) == 20
    assert not Report.objects.filter(state=ReportState.APPROVED).exists()

    # The rest cannot be approved before the sample is read.
    client.post(f"/review/bulk/{batch.pk}/finish/")
    assert not Report.objects.filter(state=ReportState.APPROVED).exists()
    page = client.get(f"/review/bulk/{batch.pk}/").content.decode()
    assert "待审核" in page and "disabled" in page

    for pk in batch.sample:
        client.post(f"/review/reports/{pk}/approve/", {"version_number": 1})
    client.post(f"/review/bulk/{batch.pk}/finish/")

    assert Report.objects.filter(state=ReportState.APPROVED).count() == 20
    bulk = AuditEvent.objects.get(action="report_bulk_approve")
    assert bulk.detail["sample"] == batch.sample and len(bulk.detail["approved"]) == 18
    assert set(bulk.detail["approved"]).isdisjoint(batch.sample)
    comments = set(
        ReviewAction.objects.filter(kind=ReviewKind.APPROVE)
        .exclude(report_id__in=batch.sample)
        .values_list("comment", flat=True)
    )
    assert comments == {"材料齐全"}
    assert AuditEvent.objects.filter(action="report_approve").count() == 20


def test_a_flagged_report_cannot_join_a_batch(world, login, twenty):
    campaign, reports = twenty
    _analyse(reports[0], placeholders=2)
    client = login(world.rita)
    queue = client.get(f"/review/?campaign={campaign.pk}").content.decode()
    assert f'name="report" value="{reports[0].pk}"' not in queue
    client.post("/review/bulk/", {"campaign": campaign.pk, "report": [r.pk for r in reports]})
    assert not ApprovalBatch.objects.exists()


def test_a_returned_sample_fails_the_batch(world, login, twenty):
    campaign, reports = twenty
    client = login(world.rita)
    client.post("/review/bulk/", {"campaign": campaign.pk, "report": [r.pk for r in reports]})
    batch = ApprovalBatch.objects.get()
    client.post(
        f"/review/reports/{batch.sample[0]}/return/", {"version_number": 1, "comment": "不实"}
    )
    for pk in batch.sample[1:]:
        client.post(f"/review/reports/{pk}/approve/", {"version_number": 1})
    client.post(f"/review/bulk/{batch.pk}/finish/")
    assert Report.objects.filter(state=ReportState.APPROVED).count() == len(batch.sample) - 1
    assert not AuditEvent.objects.filter(action="report_bulk_approve").exists()


def test_another_reviewer_or_county_cannot_touch_the_batch(world, login, twenty):
    campaign, reports = twenty
    login(world.rita).post(
        "/review/bulk/", {"campaign": campaign.pk, "report": [r.pk for r in reports]}
    )
    batch = ApprovalBatch.objects.get()
    client = login(world.ben)
    assert client.get(f"/review/bulk/{batch.pk}/").status_code == 404
    assert client.post(f"/review/bulk/{batch.pk}/finish/").status_code == 404
    assert client.post("/review/bulk/", {"campaign": campaign.pk, "report": [reports[0].pk]})
    assert ApprovalBatch.objects.count() == 1
    assert login(world.rita).get("/review/bulk/").status_code == 405

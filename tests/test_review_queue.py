"""The reviewer's queue: counts, filters, sorting by risk, pagination, constant queries."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.approval_batches import clean_waiting
from reports.choices import AnalysisState, OrgKind, ReportState, SchoolType
from reports.models import AnalysisResult, Organization, Report, ReportVersion
from tests.factories import fill, make_campaign
from tests.test_review_workflow import submitted_report


def analyse(report: Report, *, risk=0, copied=0.0, **flags) -> AnalysisResult:
    version = report.versions.get(number=report.version)
    all_flags = {"copied_share": copied, "placeholders": 0, "contradictions": 0, **flags}
    result, _ = AnalysisResult.objects.update_or_create(
        version=version,
        defaults={
            "state": AnalysisState.DONE,
            "risk": risk,
            "copied_share": copied,
            "flags": all_flags,
            "result": {},
        },
    )
    return result


def names(response) -> list[str]:
    return [r.organization.name for r in response.context["page"]]


def test_the_queue_lists_the_subtree_with_counts_per_state(world, login):
    campaign = make_campaign(world)
    submitted_report(world, campaign=campaign)
    a2 = Report.objects.get(campaign=campaign, organization=world.school_a2)
    fill(a2, world.amy)  # started, not submitted
    response = login(world.rita).get(f"/review/?campaign={campaign.pk}")
    page = response.content.decode()
    counts = response.context["counts"]
    assert response.status_code == 200
    assert sorted(names(response)) == ["甲县实验中学", "甲县第一小学"]
    assert "乙县第一小学" not in page
    assert (counts["total"], counts["submitted"], counts["draft"], counts["not_started"]) == (
        2,
        1,
        1,
        0,
    )
    assert "未开始" in page and "逾期" in page


def test_not_started_and_late_are_counted(world, login):
    campaign = make_campaign(world, opens_at=timezone.now() - timedelta(days=9), days_left=-1)
    report = submitted_report(world, campaign=campaign)  # submitted after the deadline
    response = login(world.rita).get(f"/review/?campaign={campaign.pk}")
    counts = response.context["counts"]
    assert report.is_late
    assert counts["not_started"] == 1  # A2 never opened its report
    assert counts["late"] == 2  # A1 late, A2 still missing after the deadline
    late = login(world.rita).get(f"/review/?campaign={campaign.pk}&state=not_started")
    assert names(late) == ["甲县实验中学"]
    assert "逾期未交" in late.content.decode()


def test_it_filters_to_flagged_reports(world, login):
    campaign = make_campaign(world)
    a1 = submitted_report(world, campaign=campaign)
    a2 = submitted_report(world, campaign=campaign, school=world.school_a2, user=world.amy)
    analyse(a1, placeholders=3)
    analyse(a2, risk=10, copied=0.4, contradictions=1)
    client = login(world.rita)
    base = f"/review/?campaign={campaign.pk}"
    assert names(client.get(base + "&flag=placeholders")) == ["甲县第一小学"]
    assert names(client.get(base + "&flag=copied")) == ["甲县实验中学"]
    assert names(client.get(base + "&flag=contradictions")) == ["甲县实验中学"]
    assert names(client.get(base + "&flag=off_topic")) == []
    assert sorted(names(client.get(base + "&flag=any"))) == ["甲县实验中学", "甲县第一小学"]
    page = client.get(base + "&flag=copied").content.decode()
    assert "雷同 40%" in page and "数字矛盾" in page and "数字矛盾 1" not in page


def test_off_topic_covers_texts_that_are_not_reports(world, login):
    campaign = make_campaign(world)
    analyse(submitted_report(world, campaign=campaign), not_report=True, genre="plan")
    response = login(world.rita).get(f"/review/?campaign={campaign.pk}&flag=off_topic")
    assert names(response) == ["甲县第一小学"]


def test_it_sorts_by_risk_then_by_submission_time(world, login):
    campaign = make_campaign(world)
    a1 = submitted_report(world, campaign=campaign)
    a2 = submitted_report(world, campaign=campaign, school=world.school_a2, user=world.amy)
    analyse(a1, risk=2)
    analyse(a2, risk=30, copied=0.6)
    client = login(world.rita)
    assert names(client.get(f"/review/?campaign={campaign.pk}")) == ["甲县实验中学", "甲县第一小学"]
    by_time = client.get(f"/review/?campaign={campaign.pk}&sort=submitted")
    assert names(by_time) == ["甲县第一小学", "甲县实验中学"]


def test_it_filters_by_state_school_type_and_county(world, login):
    campaign = make_campaign(world)
    submitted_report(world, campaign=campaign)
    client = login(world.rita)
    base = f"/review/?campaign={campaign.pk}"
    assert names(client.get(base + "&state=submitted")) == ["甲县第一小学"]
    assert names(client.get(base + f"&school_type={SchoolType.JUNIOR}")) == ["甲县实验中学"]
    sam = login(world.sam)
    assert len(names(sam.get(base))) == 2
    assert names(sam.get(base + f"&unit={world.county_b.pk}")) == []
    assert len(names(sam.get(base + f"&unit={world.county_a.pk}"))) == 2


def test_a_unit_filter_outside_the_subtree_is_404(world, login):
    campaign = make_campaign(world)
    response = login(world.rita).get(f"/review/?campaign={campaign.pk}&unit={world.county_b.pk}")
    assert response.status_code == 404


def _bulk_schools(world, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        Organization.objects.create(
            name=f"批量学校{index:03d}",
            code=f"9{index:09d}",
            kind=OrgKind.SCHOOL,
            parent=world.county_a,
            school_type=SchoolType.PRIMARY,
        )


def _submit_all(world, campaign, flags: dict | None = None, copied: float = 0.1) -> None:
    """Give every report a version and an analysis, as a busy deadline day would."""
    flags = {"placeholders": 1, "copied_share": 0.1} if flags is None else flags
    now = timezone.now()
    for index, report in enumerate(Report.objects.filter(campaign=campaign)):
        version = ReportVersion.objects.create(
            report=report, number=1, text="正文xx", submitted_at=now, submitted_by=world.alice
        )
        AnalysisResult.objects.create(
            version=version,
            state=AnalysisState.DONE,
            risk=index,
            copied_share=copied,
            flags=flags,
        )
    Report.objects.filter(campaign=campaign).update(
        version=1, state=ReportState.SUBMITTED, submitted_at=now
    )


def _queue_queries(
    world, login, schools: int, start: int, *, clean: bool = False
) -> tuple[int, int]:
    _bulk_schools(world, schools, start)
    campaign = make_campaign(world, title=f"任务{schools}")
    if clean:  # every row offers the bulk checkbox
        _submit_all(world, campaign, flags={"placeholders": 0}, copied=0)
    else:
        _submit_all(world, campaign)
    client = login(world.rita)
    wanted = "" if clean else "&flag=any"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/review/?campaign={campaign.pk}{wanted}")
    assert response.status_code == 200
    if clean:
        assert all(r.bulk_ok for r in response.context["page"])
    return len(queries), len(response.context["page"])


def test_the_queue_query_count_does_not_grow_with_the_rows(world, login, db):
    small, small_rows = _queue_queries(world, login, 3, start=0)  # + A1, A2 = 5 schools
    large, large_rows = _queue_queries(world, login, 45, start=3)  # 50 schools
    assert (small_rows, large_rows) == (5, 50)
    assert large == small
    # session, user, membership, campaigns, units, the page (with its total), the state
    # counts, the unread notifications: no COUNT of its own, nothing per row (issue 17)
    assert small <= 8


def test_the_bulk_checkboxes_cost_no_query_per_row(world, login, db):
    small, small_rows = _queue_queries(world, login, 3, start=0, clean=True)
    large, large_rows = _queue_queries(world, login, 45, start=3, clean=True)
    assert (small_rows, large_rows) == (5, 50)
    assert large == small
    assert small <= 8


def test_the_bulk_checkbox_marks_exactly_the_reports_a_batch_may_take(world, login):
    _bulk_schools(world, 6)
    campaign = make_campaign(world)
    _submit_all(world, campaign, flags={"placeholders": 0, "copies": 0}, copied=0)
    rows = list(Report.objects.filter(campaign=campaign).order_by("organization__code"))
    flagged = {
        rows[0].pk: {"copies": 2},
        rows[1].pk: {"off_topic": True},
        rows[2].pk: {"residue": 1},
    }
    for pk, flags in flagged.items():
        AnalysisResult.objects.filter(version__report_id=pk).update(flags=flags)
    AnalysisResult.objects.filter(version__report=rows[3]).update(state=AnalysisState.PENDING)
    Report.objects.filter(pk=rows[4].pk).update(state=ReportState.APPROVED)
    # rows[5] has no flag keys at all (an older analysis): nothing found, so it is clean
    AnalysisResult.objects.filter(version__report=rows[5]).update(flags={})
    response = login(world.rita).get(f"/review/?campaign={campaign.pk}")
    marked = {r.pk for r in response.context["page"] if r.bulk_ok}
    expected = {r.pk for r in rows[5:]}  # the first five were made unclean
    assert marked == expected
    assert marked == set(
        clean_waiting(Report.objects.filter(campaign=campaign)).values_list("pk", flat=True)
    )
    assert response.content.decode().count('name="report" value=') == len(expected)


def test_the_queue_paginates(world, login):
    _bulk_schools(world, 55)
    campaign = make_campaign(world)
    client = login(world.rita)
    first = client.get(f"/review/?campaign={campaign.pk}&sort=school")
    second = client.get(f"/review/?campaign={campaign.pk}&sort=school&page=2")
    assert len(first.context["page"]) == 50 and len(second.context["page"]) == 7
    assert "sort=school&amp;page=2" in first.content.decode()

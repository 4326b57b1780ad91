"""The review queue's SQL is compiled once per process and input (``review.compiled``): the
rows stay fresh, each scope keeps its own SQL, what it returns is what Django returns, and
the page behaves as Django's paginator does."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.choices import AnalysisState, OrgKind, SchoolType
from reports.models import AnalysisResult, Campaign, Organization, Report
from reports.review import queries
from reports.review.compiled import CompiledQueries, scope_key
from reports.review.queries import COMPILED, QueueQuery, queue_queryset
from reports.services.reports import campaign_publish
from reports.workflow import report_open_review, report_submit
from tests.factories import fill, make_campaign
from tests.test_review_queue import _bulk_schools, _submit_all
from tests.test_review_workflow import submitted_report


@pytest.fixture(autouse=True)
def _fresh_compiled():
    COMPILED.clear()
    yield
    COMPILED.clear()


def _names(response) -> list[str]:
    return [r.organization.name for r in response.context["page"]]


def _analyse(report: Report, *, copied: float = 0.0, risk: int = 0, **flags) -> None:
    AnalysisResult.objects.update_or_create(
        version=report.versions.get(number=report.version),
        defaults={
            "state": AnalysisState.DONE,
            "risk": risk,
            "copied_share": copied,
            "flags": {"copied_share": copied, **flags},
            "result": {
                "copies": [
                    {"source": "version:1", "source_label": "乙县第一小学 · 2025 · 第1版"},
                    {"source": "reference:2"},
                    "not a copy",
                ]
            },
        },
    )


def test_a_repeated_request_compiles_nothing_and_still_reads_fresh_rows(world, login, monkeypatch):
    campaign = make_campaign(world)
    submitted_report(world, campaign=campaign)
    built = []
    monkeypatch.setattr(
        queries, "queue_queryset", lambda *a, **k: built.append(1) or queue_queryset(*a, **k)
    )
    client = login(world.rita)
    url = f"/review/?campaign={campaign.pk}"
    first = client.get(url)
    assert (first.context["counts"]["submitted"], len(built)) == (1, 1)
    compiled = len(COMPILED)

    submitted_report(world, campaign=campaign, school=world.school_a2, user=world.amy)
    second = client.get(url)
    assert len(built) == 1 and len(COMPILED) == compiled  # nothing compiled again
    assert second.context["counts"]["submitted"] == 2  # but the rows are today's
    assert sorted(_names(second)) == ["甲县实验中学", "甲县第一小学"]
    assert "逾期" not in second.content.decode().split('id="queue"')[1]


def test_each_scope_keeps_its_own_sql(world, login):
    """Two reviewers and a supervisor on one campaign, in turns: each sees their subtree."""
    campaign = Campaign.objects.create(
        title="全市自查",
        period="2025—2026学年第一学期",
        issuer=world.city,
        target_unit=world.city,
        opens_at=timezone.now() - timedelta(days=1),
        deadline=timezone.now() + timedelta(days=5),
    )
    campaign_publish(campaign=campaign, actor=world.ada)
    url = f"/review/?campaign={campaign.pk}&sort=school"
    expected = {
        world.rita: ["甲县第一小学", "甲县实验中学"],
        world.ben: ["乙县第一小学"],
        world.sam: ["甲县第一小学", "甲县实验中学", "乙县第一小学"],
    }
    for _ in range(2):
        for user, names in expected.items():
            response = login(user).get(url)
            assert _names(response) == names
            assert response.context["counts"]["total"] == len(names)
            assert response.context["page"].paginator.count == len(names)


def test_the_compiled_rows_are_the_rows_django_reads(world):
    campaign = make_campaign(world, days_left=-1, opens_at=timezone.now() - timedelta(days=9))
    a1 = submitted_report(world, campaign=campaign)  # late
    _analyse(a1, copied=0.4, risk=30, placeholders=2)
    report_open_review(report_id=a1.pk, reviewer=world.rita)
    now = timezone.now()
    q = QueueQuery(scope=scope_key(world.rita), campaign=campaign.pk, deadline_passed=True)

    def build():
        rows = queue_queryset(world.rita, q, deadline=campaign.deadline, now=now)
        return rows.values_list(*queries.QUEUE_ROW.values())

    django_reads = list(build())
    memo = CompiledQueries()
    assert memo.rows("k", build) == django_reads == memo.rows("k", build)
    assert len(memo) == 1
    row = queries.QueueTuple(*django_reads[0], None)
    assert row.flags["placeholders"] == 2 and row.holder == "rita" and row.is_late
    assert row.copies[0]["source_label"].startswith("乙县第一小学")


def test_sql_that_reads_the_clock_is_compiled_each_time(world):
    memo = CompiledQueries()
    recent = Report.objects.filter(created_at__gt=timezone.now() - timedelta(days=1))
    assert memo.rows("rows", lambda: recent.values_list("pk")) == []
    assert memo.aggregate("counts", lambda: recent.aggregate(n=Count("pk"))) == {"n": 0}
    assert len(memo) == 0


def test_a_query_django_knows_to_be_empty_runs_nothing(world):
    memo = CompiledQueries()
    with CaptureQueriesContext(connection) as queries_run:
        assert memo.rows("none", lambda: Report.objects.none().values_list("pk")) == []
        assert memo.rows("none", lambda: Report.objects.none().values_list("pk")) == []
    assert len(queries_run) == 0


def test_the_oldest_compiled_query_makes_room(world):
    memo = CompiledQueries(size=2)
    for key in ("a", "b", "a", "c"):
        memo.rows(key, lambda: Report.objects.values_list("pk"))
    assert len(memo) == 2 and memo._get("b") is None and memo._get("a") is not None


@pytest.mark.parametrize(
    ("asked", "number", "rows"),
    [
        ("", 1, 50),
        ("2", 2, 7),
        ("abc", 1, 50),  # not a number: the first page
        ("1.5", 1, 50),
        ("0", 2, 7),  # below 1 or past the end: the last page
        ("-3", 2, 7),
        ("99", 2, 7),
        ("99999999999999999999999", 2, 7),
    ],
)
def test_the_page_asked_for_is_the_page_djangos_paginator_gives(world, login, asked, number, rows):
    for index in range(55):
        Organization.objects.create(
            name=f"分页学校{index:02d}",
            code=f"9{index:09d}",
            kind=OrgKind.SCHOOL,
            parent=world.county_a,
            school_type=SchoolType.PRIMARY,
        )
    campaign = make_campaign(world)
    response = login(world.rita).get(f"/review/?campaign={campaign.pk}&sort=school&page={asked}")
    page = response.context["page"]
    assert (page.number, len(page), page.paginator.count, page.paginator.num_pages) == (
        number,
        rows,
        57,
        2,
    )
    assert f"第 {number} / 2 页" in response.content.decode()


def test_an_empty_queue_is_one_empty_page(world, login):
    campaign = make_campaign(world)
    response = login(world.rita).get(f"/review/?campaign={campaign.pk}&state=approved&page=3")
    page = response.context["page"]
    assert (page.number, len(page), page.paginator.count) == (1, 0, 0)
    assert "没有符合条件的报告" in response.content.decode()


def test_the_late_filter_and_badge_follow_the_deadline_as_it_moves(world, login):
    """逾期 depends on the deadline: a deadline moved into the past is read at once."""
    campaign = make_campaign(world)
    report = Report.objects.get(campaign=campaign, organization=world.school_a2)
    fill(report, world.amy)
    client = login(world.rita)
    url = f"/review/?campaign={campaign.pk}&late=1"
    assert _names(client.get(url)) == []
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(hours=1))
    late = client.get(url)
    assert sorted(_names(late)) == ["甲县实验中学", "甲县第一小学"]
    assert late.context["counts"]["late"] == 2
    assert late.content.decode().count("逾期未交") == 2
    report_submit(report_id=report.pk, actor=world.amy)  # handed in, late
    handed_in = client.get(url)
    assert handed_in.context["counts"]["late"] == 2
    assert handed_in.content.decode().count("逾期未交") == 1


def _copied_queue(world, login, schools: int, start: int) -> tuple[int, int, str]:
    _bulk_schools(world, schools, start)
    campaign = make_campaign(world, title=f"雷同{schools}")
    _submit_all(world, campaign, flags={"copies": 2}, copied=0.4)
    AnalysisResult.objects.filter(version__report__campaign=campaign).update(
        result={"copies": [{"source_label": "乙县第一小学 · 第1版"}, {"source": "reference:3"}]}
    )
    client = login(world.rita)
    with CaptureQueriesContext(connection) as queries_run:
        response = client.get(f"/review/?campaign={campaign.pk}")
    return len(queries_run), len(response.context["page"]), response.content.decode()


def test_naming_the_sources_of_copies_costs_no_query_per_row(world, login):
    small, small_rows, page = _copied_queue(world, login, 3, start=0)  # + A1, A2
    large, large_rows, _ = _copied_queue(world, login, 45, start=3)
    assert (small_rows, large_rows) == (5, 50)
    assert small == large <= 8
    assert page.count("雷同 40%：与乙县第一小学等 2 处") == 5

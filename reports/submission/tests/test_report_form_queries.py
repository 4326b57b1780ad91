"""The report form's hot requests stay cheap: the page and autosave make a fixed number of
queries whatever the report holds (versions, indicators, checklist items), and the
campaign's definitions, read once per process, still follow every change."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import ChecklistItemDefinition, IndicatorDefinition, Report, ReportVersion
from tests.factories import form_data, make_campaign

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def report(world):
    campaign = make_campaign(world)
    return Report.objects.get(campaign=campaign, organization=world.school_a1)


def _page_queries(client, report) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/reports/{report.pk}/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _add_versions(world, report, count: int) -> None:
    start = report.versions.count()
    for number in range(start + 1, start + count + 1):
        ReportVersion.objects.create(
            report=report,
            number=number,
            text="正文",
            submitted_by=world.alice,
            submitted_at=timezone.now(),
        )


def test_the_page_queries_do_not_grow_with_its_submissions(world, report, login):
    client = login(world.alice)
    client.get(f"/reports/{report.pk}/")  # warm the process's caches
    _add_versions(world, report, 1)
    one, _ = _page_queries(client, report)
    _add_versions(world, report, 5)
    six, page = _page_queries(client, report)
    assert six == one
    assert len(re.findall(r"<li>第 \d+ 版 · [^<]*· alice", page)) == 6  # each names its submitter


def test_the_page_queries_do_not_grow_with_the_campaigns_definitions(world, report, login):
    client = login(world.alice)
    client.get(f"/reports/{report.pk}/")
    few, _ = _page_queries(client, report)
    report.campaign.indicators.add(*IndicatorDefinition.objects.all())
    report.campaign.checklist_items.add(*ChecklistItemDefinition.objects.all())
    client.get(f"/reports/{report.pk}/")  # the change is read once …
    many, page = _page_queries(client, report)  # … and then served from the cache
    assert many == few
    asked = [d for d in IndicatorDefinition.objects.all() if d.applies_to(world.school_a1)]
    assert len(asked) > 4
    assert page.count('name="ind_') == len(asked)


def test_an_autosave_makes_a_bounded_number_of_queries(world, report, login):
    client = login(world.alice)
    client.post(f"/reports/{report.pk}/save/", form_data(report), **HTMX)
    report.refresh_from_db()
    data = form_data(report)
    data["section_problems"] = "改过的问题"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/reports/{report.pk}/save/", data, **HTMX)
    assert response.status_code == 200 and "已保存" in response.content.decode()
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    # session, user, membership, the report; the locked read and its update in a transaction
    assert len(queries) <= 8, sql
    assert "reports_indicatordefinition" not in sql  # the campaign's definitions are cached
    assert "reports_notification" not in sql  # the status line has no menu to count for
    report.refresh_from_db()
    assert report.sections["problems"] == "改过的问题"


def test_a_definition_edited_in_the_admin_is_used_at_the_next_request(world, report, login):
    client = login(world.alice)
    client.get(f"/reports/{report.pk}/")  # cached with the old bound and label
    definition = IndicatorDefinition.objects.get(code="homework_grade36")
    definition.label = "三至六年级书面作业平均完成时间（新）"
    definition.max_value = 40
    definition.save()
    assert "（新）" in client.get(f"/reports/{report.pk}/").content.decode()
    data = form_data(report)
    data["ind_homework_grade36"] = "50"
    response = client.post(f"/reports/{report.pk}/save/", data, **HTMX)
    assert "（新）：不能大于 40" in response.content.decode()  # the new bound refuses 50


def test_an_indicator_taken_off_the_campaign_leaves_the_form(world, report, login):
    client = login(world.alice)
    assert 'name="ind_enrolment"' in client.get(f"/reports/{report.pk}/").content.decode()
    report.campaign.indicators.remove(IndicatorDefinition.objects.get(code="enrolment"))
    assert 'name="ind_enrolment"' not in client.get(f"/reports/{report.pk}/").content.decode()
    IndicatorDefinition.objects.get(code="enrolment").campaign_set.add(report.campaign)
    assert 'name="ind_enrolment"' in client.get(f"/reports/{report.pk}/").content.decode()

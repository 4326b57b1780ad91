"""Who may do what: every role × review page and action × own / sibling / ancestor unit.

Out-of-scope objects answer 404 (nothing leaks); pages a role may not use answer 403.
"""

import pytest
from django.db import connection

from reports.choices import RectificationStatus, ReportState
from reports.models import RectificationItem
from reports.workflow import report_approve, report_open_review
from tests.factories import make_campaign
from tests.test_review_workflow import submitted_report

# (user, relation to school A1): submitter of the school itself, of a sibling school,
# reviewer at the county above, reviewer of the sibling county, supervisor at the city above,
# admin at the province above.
REPORT_PAGES = {
    "review page": ("get", "/review/reports/{report}/", {}),
    "feedback": ("get", "/review/reports/{report}/feedback/", {}),
    "approve": ("post", "/review/reports/{report}/approve/", {"version_number": "1"}),
    "return": (
        "post",
        "/review/reports/{report}/return/",
        {"version_number": "1", "comment": "改"},
    ),
    "reanalyze": ("post", "/review/reports/{report}/reanalyze/", {}),
    "verify": ("post", "/review/rectifications/{item}/verify/", {}),
    "send back": ("post", "/review/rectifications/{item}/send-back/", {"comment": "未整改到位"}),
}
ALLOWED_ACT = 302
EXPECTED = {
    # user:  review page, feedback, approve, return, reanalyze, verify, send back
    "alice": (403, 200, 403, 403, 403, 403, 403),  # submitter, own school
    "amy": (404, 404, 404, 404, 404, 404, 404),  # submitter, sibling school
    "rita": (200, 200, 302, 302, 302, 302, 302),  # reviewer, ancestor county
    "ben": (404, 404, 404, 404, 404, 404, 404),  # reviewer, sibling county
    "sam": (200, 200, 403, 403, 403, 403, 403),  # supervisor, ancestor city
    "ada": (200, 200, 302, 302, 302, 302, 302),  # admin, ancestor province
}
CASES = [
    (user, page, expected[i])
    for user, expected in EXPECTED.items()
    for i, page in enumerate(REPORT_PAGES)
]


@pytest.mark.parametrize(("username", "page", "expected"), CASES)
def test_report_pages_and_actions(world, login, username, page, expected):
    assert connection.vendor == "postgresql" or not _ci()
    report = submitted_report(world)
    report_open_review(report_id=report.pk, reviewer=world.rita)
    item = RectificationItem.objects.create(
        organization=world.school_a1,
        report=report,
        problem="课后服务讲新课",
        status=RectificationStatus.DONE,
        measure="已整改到位",
    )
    method, url, data = REPORT_PAGES[page]
    client = login(getattr(world, username))
    url = url.format(report=report.pk, item=item.pk)
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == expected
    report.refresh_from_db()
    item.refresh_from_db()
    if expected != ALLOWED_ACT:
        assert report.state == ReportState.UNDER_REVIEW
        assert item.status == RectificationStatus.DONE


LIST_PAGES = ["/review/", "/review/overview/{campaign}/", "/review/rectifications/"]
LIST_EXPECTED = {
    "alice": (403, 403, 403),
    "amy": (403, 403, 403),
    "rita": (200, 200, 200),
    "ben": (200, 404, 200),  # the campaign is county A's: not visible to county B
    "sam": (200, 200, 200),
    "ada": (200, 200, 200),
}


@pytest.mark.parametrize(
    ("username", "page", "expected"),
    [(u, p, e[i]) for u, e in LIST_EXPECTED.items() for i, p in enumerate(LIST_PAGES)],
)
def test_list_pages(world, login, username, page, expected):
    campaign = make_campaign(world)
    response = login(getattr(world, username)).get(page.format(campaign=campaign.pk))
    assert response.status_code == expected


def test_reopen_is_for_reviewers_above_the_school_only(world, login):
    report = submitted_report(world)
    report_open_review(report_id=report.pk, reviewer=world.rita)
    report_approve(report_id=report.pk, reviewer=world.rita, version_number=1)
    url = f"/review/reports/{report.pk}/reopen/"
    assert login(world.sam).post(url, {"reason": "复核"}).status_code == 403
    assert login(world.ben).post(url, {"reason": "复核"}).status_code == 404
    assert login(world.alice).post(url, {"reason": "复核"}).status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert login(world.rita).post(url, {"reason": "复核"}).status_code == 302


def test_another_countys_reviewer_does_not_see_the_report_in_the_queue(world, login):
    report = submitted_report(world)
    page = login(world.ben).get(f"/review/?campaign={report.campaign_id}")
    assert page.status_code in (200, 404)
    assert "甲县第一小学" not in page.content.decode()


def test_anonymous_users_are_sent_to_login(world, client):
    report = submitted_report(world)
    for url in ("/review/", f"/review/reports/{report.pk}/", "/review/notifications/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _ci() -> bool:
    import os

    return os.environ.get("CI") == "true"

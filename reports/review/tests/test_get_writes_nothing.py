"""Reading changes nothing: a link-checker logged in as the reviewer follows every link of
the review pages with GET, and no report changes state, no review act and no audit row is
written (the issue: a crawler once moved all seven submitted demo reports to 审核中)."""

import re
from urllib.parse import urljoin, urlsplit

from reports.choices import ReportState
from reports.models import AuditEvent, Report, ReviewAction
from reports.workflow import report_open_review, report_return
from tests.factories import make_campaign
from tests.test_review_workflow import resubmit, submitted_report

HREF = re.compile(r'href="([^"#]+)"')
CRAWLED = ("/review/", "/dashboard/", "/campaigns/", "/audit/")
PAGE_LIMIT = 400


def _snapshot() -> tuple:
    return (
        sorted(Report.objects.values_list("pk", "state", "version", "revision")),
        sorted(ReviewAction.objects.values_list("pk", flat=True)),
        sorted(AuditEvent.objects.values_list("pk", flat=True)),
    )


def _crawl(client, start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo and len(seen) < PAGE_LIMIT:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith(CRAWLED):
                continue
            todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def test_a_reviewer_crawling_every_review_page_changes_nothing(world, login):
    campaign = make_campaign(world)
    fresh = submitted_report(world, campaign=campaign)
    again = submitted_report(world, campaign=campaign, school=world.school_a2, user=world.amy)
    report_open_review(report_id=again.pk, reviewer=world.rita)
    report_return(report_id=again.pk, reviewer=world.rita, version_number=1, comment="请补充")
    resubmit(again, world.amy, "问题一。问题二。")
    client = login(world.rita)  # signing in is audited; reading afterwards must not be
    before = _snapshot()
    seen = _crawl(client, f"/review/?campaign={campaign.pk}")

    assert f"/review/reports/{fresh.pk}/" in seen
    assert f"/review/reports/{again.pk}/" in seen
    assert any(url.startswith("/dashboard/") for url in seen)
    for pk in (fresh.pk, again.pk):  # the action URLs too: GET of a POST-only URL is refused
        for action in ("start", "approve", "return", "reopen", "reanalyze"):
            assert client.get(f"/review/reports/{pk}/{action}/").status_code == 405
    assert _snapshot() == before
    assert Report.objects.get(pk=fresh.pk).state == ReportState.SUBMITTED

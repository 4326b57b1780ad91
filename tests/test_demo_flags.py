"""The demo county looks like a real one: most reports clean, a few a reviewer must catch, and
有疑点 in the queue marks exactly those (each flag a true one)."""

import pytest

from reports import demo
from reports.demo_texts import DemoCase
from reports.models import Report, ReportVersion
from reports.pipeline import run_analysis
from reports.review.queries import ANY_FLAG, FLAG_FILTERS, with_latest_analysis

#: the queue filters each case must raise, and only those
EXPECTED = {
    DemoCase.COPIED: {"copied", "contradictions"},  # the neighbour's figures came along
    DemoCase.UNFINISHED: {"placeholders", "gaps"},
    DemoCase.OFF_TOPIC: {"off_topic"},
    DemoCase.INCONSISTENT: {"contradictions", "anomalies"},
    DemoCase.OTHER_SCHOOL: {"other_names"},
    DemoCase.SAME_AS_LAST: {"self_copy"},
}


def _filters_raised(reports) -> dict[str, set[str]]:
    raised: dict[str, set[str]] = {}
    for key, (_label, q) in FLAG_FILTERS.items():
        for code in reports.filter(q).values_list("organization__code", flat=True):
            raised.setdefault(code, set()).add(key)
    return raised


@pytest.fixture
def analysed_demo(transactional_db):
    demo.seed()
    for pk in ReportVersion.objects.order_by("pk").values_list("pk", flat=True):
        run_analysis(pk)  # in submission order, as the worker would


@pytest.mark.parametrize(
    ("title", "cases"),
    [(demo.CAMPAIGN_TITLE, demo.CURRENT_CASES), (demo.PREVIOUS_TITLE, demo.PREVIOUS_CASES)],
)
def test_the_queue_flags_a_minority_and_only_the_planted_cases(analysed_demo, title, cases):
    reports = with_latest_analysis(Report.objects.filter(campaign__title=title, version__gt=0))
    flagged = set(reports.filter(ANY_FLAG).values_list("organization__code", flat=True))
    assert flagged == set(cases)
    assert len(flagged) <= 0.3 * reports.count()
    raised = _filters_raised(reports)
    for code, case in cases.items():
        assert raised[code] == EXPECTED[case], (code, case)


def test_the_flags_carry_their_evidence(analysed_demo):
    def result(code: str) -> dict:
        report = Report.objects.get(campaign__title=demo.CAMPAIGN_TITLE, organization__code=code)
        return report.versions.get(number=report.version).analysis.result

    by_case = {case: code for code, case in demo.CURRENT_CASES.items()}
    (name,) = result(by_case[DemoCase.OTHER_SCHOOL])["other_names"]
    assert name["name"] == "白水县第二中学"
    jump = next(
        a
        for a in result(by_case[DemoCase.INCONSISTENT])["anomalies"]
        if a["indicator"] == "enrolment"
    )
    assert jump["value"] == 1313 and 640 <= jump["previous"] <= 700
    assert jump["period"] == "2024—2025学年第二学期"
    same = result(by_case[DemoCase.SAME_AS_LAST])
    assert same["self_copy"]["share"] >= 0.8 and same["copies"] == []

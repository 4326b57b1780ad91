"""Copies traced: each copied passage links to a side-by-side view (the other school's text
only if the reviewer may see that report), the queue names the source school, and the
source's review page lists who copied from it."""

import pytest

from reports.choices import AnalysisState
from reports.models import AnalysisResult, CopySource, Report
from reports.pipeline import record_copy_sources, run_analysis
from reports.workflow import report_submit
from tests.export_builders import city_campaign
from tests.factories import complete_content, fill
from tests.test_review_workflow import submitted_report

SHARED = "全面落实作业公示制度"


def _copy(version, source_version, label: str) -> dict:
    start = version.text.index(SHARED)
    source_start = source_version.text.index(SHARED)
    return {
        "start": start,
        "end": start + len(SHARED),
        "source": f"version:{source_version.pk}",
        "source_label": label,
        "source_start": source_start,
        "source_end": source_start + len(SHARED),
        "similarity": 0.92,
    }


@pytest.fixture
def copied(world):
    a1 = submitted_report(world)
    campaign = a1.campaign
    a2 = submitted_report(world, campaign=campaign, school=world.school_a2, user=world.amy)
    other = city_campaign(world, title="乙县的任务")
    b1 = Report.objects.get(campaign=other, organization=world.school_b1)
    content = complete_content()
    content["sections"]["problems"] = "乙县独有的问题描述。"
    fill(b1, world.bob, content)
    report_submit(report_id=b1.pk, actor=world.bob)
    v_a1, v_a2 = a1.versions.get(), a2.versions.get()
    v_b1 = b1.versions.get()
    analysis = AnalysisResult.objects.create(
        version=v_a2,
        state=AnalysisState.DONE,
        copied_share=0.4,
        flags={"copies": 2, "copied_share": 0.4},
        result={
            "copies": [
                _copy(v_a2, v_a1, f"甲县第一小学 · {campaign.period} · 第1版"),
                _copy(v_a2, v_b1, f"乙县第一小学 · {other.period} · 第1版"),
            ]
        },
    )
    record_copy_sources(analysis)  # as run_analysis stores it
    return {"a1": a1, "a2": a2, "b1": b1, "v_a1": v_a1, "v_b1": v_b1}


def test_each_copied_passage_links_to_a_side_by_side_view(world, login, copied):
    client = login(world.rita)
    page = client.get(f"/review/reports/{copied['a2'].pk}/").content.decode()
    assert f"/review/reports/{copied['a2'].pk}/copies/?source=version%3A{copied['v_a1'].pk}" in page
    view = client.get(
        f"/review/reports/{copied['a2'].pk}/copies/", {"source": f"version:{copied['v_a1'].pk}"}
    ).content.decode()
    assert view.count(f'<mark class="mark-copy">{SHARED}</mark>') == 2
    assert f"/review/reports/{copied['a1'].pk}/" in view  # the source, for who may read it


def test_a_source_outside_the_reviewers_scope_shows_name_period_and_passage_only(
    world, login, copied
):
    view = (
        login(world.rita)
        .get(
            f"/review/reports/{copied['a2'].pk}/copies/",
            {"source": f"version:{copied['v_b1'].pk}"},
        )
        .content.decode()
    )
    assert "乙县第一小学" in view and "2025—2026学年第一学期" in view
    assert "不在您的管辖范围内" in view
    assert "乙县独有的问题描述" not in view
    assert f"/review/reports/{copied['b1'].pk}/" not in view


def test_the_queue_names_the_source_school(world, login, copied):
    page = login(world.rita).get(f"/review/?campaign={copied['a2'].campaign_id}").content.decode()
    assert "雷同 40%：与甲县第一小学等 2 处" in page


def test_the_sources_review_page_lists_who_copied_from_it(world, login, copied):
    page = login(world.rita).get(f"/review/reports/{copied['a1'].pk}/").content.decode()
    assert "被其他报告引用" in page
    assert f'<a href="/review/reports/{copied["a2"].pk}/">甲县实验中学</a>' in page
    # Bob's county reviewer sees that someone outside their scope copied, not who.
    page = login(world.ben).get(f"/review/reports/{copied['b1'].pk}/").content.decode()
    assert "另有 1 份不在您管辖范围内的报告与本报告雷同" in page
    assert "甲县实验中学" not in page


def test_an_analysis_links_the_copier_to_its_source_and_a_new_one_replaces_the_link(world, login):
    a1 = submitted_report(world)
    a2 = submitted_report(world, campaign=a1.campaign, school=world.school_a2, user=world.amy)
    run_analysis(a1.versions.get().pk)
    copier = run_analysis(a2.versions.get().pk)  # the same factory text: copied
    assert copier.copied_share > 0.3
    page = login(world.rita).get(f"/review/reports/{a1.pk}/").content.decode()
    assert f'<a href="/review/reports/{a2.pk}/">甲县实验中学</a>' in page
    # one indexed row per pair, rewritten by each analysis
    assert list(CopySource.objects.values_list("analysis", "source")) == [
        (copier.pk, a1.versions.get().pk)
    ]
    copier.result = {"copies": []}
    record_copy_sources(copier)
    page = login(world.rita).get(f"/review/reports/{a1.pk}/").content.decode()
    assert "被其他报告引用" not in page


def test_bad_or_foreign_sources_answer_404(world, login, copied):
    client = login(world.rita)
    url = f"/review/reports/{copied['a2'].pk}/copies/"
    for source in ("", "version:abc", "version:999999", "reference:1", "x" * 5000):
        assert client.get(url, {"source": source}).status_code == 404
    assert login(world.ben).get(url, {"source": f"version:{copied['v_a1'].pk}"}).status_code == 404

"""The checks that compare a report with its context (套用他校, 数据异常, 照搬上期) through the
real pipeline, and the review page's flag list: one entry per kind, with its evidence."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.choices import AnalysisState
from reports.models import AnalysisResult, Report, ReportVersion
from reports.pipeline import run_analysis
from reports.workflow import report_submit
from tests.factories import complete_content, fill, make_campaign
from tests.fixtures import fixture_text

REPORT = fixture_text("copy_source")
LEFTOVER = "乙县第一小学始终把落实“双减”作为校长工程，班子成员分包年级。\n"


def submit(world, campaign, text: str, enrolment: int) -> ReportVersion:
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    content = complete_content()
    content["sections"]["achievements"] = text
    content["indicator_values"].update(enrolment=enrolment, after_school_students=600)
    fill(report, world.alice, content)
    return report_submit(report_id=report.pk, actor=world.alice)


@pytest.fixture
def two_terms(world):
    earlier = make_campaign(
        world,
        title="甲县上学期双减自查",
        period="2024—2025学年第二学期",
        opens_at=timezone.now() - timedelta(days=200),
    )
    current = make_campaign(world)
    run_analysis(submit(world, earlier, REPORT, 670).pk)
    return current


def test_last_terms_text_another_schools_name_and_a_doubled_enrolment(world, two_terms, login):
    version = submit(world, two_terms, LEFTOVER + REPORT, 1313)
    result = run_analysis(version.pk)
    flags, payload = result.flags, result.result
    assert flags["self_copy"] and flags["self_copy_share"] >= 0.6
    assert payload["copies"] == [] and flags["copied_share"] == 0  # not 雷同: its own text
    assert [n["name"] for n in payload["other_names"]] == ["乙县第一小学"]
    enrolment = next(a for a in payload["anomalies"] if a["indicator"] == "enrolment")
    assert (enrolment["value"], enrolment["previous"]) == (1313, 670)
    assert enrolment["period"] == "2024—2025学年第二学期"

    page = login(world.rita).get(f"/review/reports/{version.report_id}/").content.decode()
    assert '<mark class="mark-other-name" title="其他单位的名称：乙县第一小学">乙县第一小学' in page
    assert "照搬上期" in page and "与本校上期（2024—2025学年第二学期）报告相同" in page
    assert "套用他校" in page and "可能套用了别校的材料" in page
    assert "在校学生数：本期填 1313，上期（2024—2025学年第二学期）为 670" in page
    queue = login(world.rita).get(f"/review/?campaign={two_terms.pk}&flag=self_copy")
    assert [r.organization.name for r in queue.context["page"]] == ["甲县第一小学"]


def test_a_rewritten_report_a_partner_school_and_steady_figures_raise_nothing(world, two_terms):
    text = "本学期我校与乙县第一小学结对帮扶，共同研究分层作业设计。\n学校每周公示各年级作业时长。"
    result = run_analysis(submit(world, two_terms, text, 690).pk)
    assert not result.flags["self_copy"]
    assert result.flags["other_names"] == 0 and result.flags["anomalies"] == 0


def test_twenty_blanks_are_one_entry_with_their_count(world, login):
    campaign = make_campaign(world)
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    text = "学校开设XX个社团。" * 20 + "共开展了次检查。"
    content = complete_content()
    content["sections"]["achievements"] = text
    fill(report, world.alice, content)
    version = report_submit(report_id=report.pk, actor=world.alice)
    result = run_analysis(version.pk)
    assert result.flags["placeholders"] == 20 and result.flags["gaps"] == 1
    page = login(world.rita).get(f"/review/reports/{report.pk}/").content.decode()
    assert page.count("模板空白 ×20") == 1 and "等 20 处是没有填写的模板占位符" in page
    assert ">缺数字</mark>" in page and "量词前没有写数字" in page
    assert '<mark class="mark-gap" title="缺数字：量词前没有写数字">了次</mark>' in page
    queue = login(world.rita).get(f"/review/?campaign={campaign.pk}&flag=gaps").content.decode()
    assert "模板空白 ×20" in queue and "缺数字" in queue


def _stored_result(world, flags: dict, result: dict) -> Report:
    """A submitted report whose analysis result is ``flags`` / ``result`` as stored."""
    campaign = make_campaign(world)
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    fill(report, world.alice)
    version = report_submit(report_id=report.pk, actor=world.alice)
    AnalysisResult.objects.update_or_create(
        version=version,
        defaults={"state": AnalysisState.DONE, "flags": flags, "result": result},
    )
    return report


def test_an_old_result_without_the_new_keys_still_renders(world, login):
    report = _stored_result(world, {"placeholders": 0}, {})
    response = login(world.rita).get(f"/review/reports/{report.pk}/")
    assert response.status_code == 200 and "没有发现需要特别注意的地方" in response.content.decode()


def test_a_malformed_stored_result_still_renders(world, login):
    """A result edited by hand or left by an old version: entries that are not objects."""
    report = _stored_result(
        world,
        {"copies": 1, "off_topic": True},
        {
            "copies": ["x", None, 3, {"start": 0, "end": 2, "source": 7}],
            "placeholders": "XX",
            "topic": "off",
            "self_copy": ["spans"],
            "gaps": [[0, 2]],
        },
    )
    response = login(world.rita).get(f"/review/reports/{report.pk}/")
    assert response.status_code == 200
    assert 'class="mark-copy"' in response.content.decode()


def test_an_off_topic_report_names_its_other_paragraphs_on_the_review_page(world, login):
    from tests.analysis.test_topic_genre import HALF_RELEVANT_SPEECH

    campaign = make_campaign(world)
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    content = complete_content()
    content["sections"] = {
        "achievements": HALF_RELEVANT_SPEECH,
        "problems": "部分乡镇经费缺口较大。",
        "next_steps": "继续推进校舍标准化建设。",
    }
    fill(report, world.alice, content)
    result = run_analysis(report_submit(report_id=report.pk, actor=world.alice).pk)
    assert result.flags["off_topic"]
    page = login(world.rita).get(f"/review/reports/{report.pk}/").content.decode()
    assert "的段落讲本次任务的主题" in page and "“近年来，全县累计投入教育经费" in page
    assert '<mark class="mark-off-topic" title="与本次任务主题无关的段落">近年来' in page

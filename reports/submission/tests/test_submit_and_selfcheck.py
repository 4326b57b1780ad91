"""Submitting from the school's side: the error summary, the self-check (提交前自查) before
the final submit, double submits, values shown as entered, items by school type."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from reports import pipeline, validation
from reports.choices import ReportState
from reports.models import ChecklistItemDefinition, IndicatorDefinition, Report, ReportVersion
from reports.services.reports import report_save_draft
from reports.workflow import report_submit
from tests.factories import complete_content, fill, form_data, make_campaign

BLANK = "学校共开设社团××个，"
CONTRADICTION = "参加课后服务学生760人。"  # the form says 720


@pytest.fixture
def report(world):
    campaign = make_campaign(world)
    return Report.objects.get(campaign=campaign, organization=world.school_a1)


def flawed_content() -> dict:
    content = complete_content()
    content["sections"]["achievements"] = (
        "学校全面落实作业公示制度。" + BLANK + CONTRADICTION + "课后服务每周五天全覆盖。"
    )
    return content


def page_of(response) -> str:
    return response.content.decode()


def test_an_empty_submit_lists_every_problem_once_each_linked_to_its_field(world, report, login):
    response = login(world.alice).post(
        f"/reports/{report.pk}/submit/",
        form_data(
            report,
            {
                "sections": {},
                "indicator_values": {},
                "checklist_answers": {},
            },
        ),
    )
    page = page_of(response)
    report.refresh_from_db()
    expected = validation.report_errors(report)
    assert response.status_code == 422
    assert f"有 {len(expected)} 处需要修改" in page
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    targets = re.findall(r'href="#([^"]+)" data-jump', summary)
    assert len(targets) == len(expected) == 8  # 3 sections, 3 indicators, 2 checklist items
    for target in targets:  # each link lands on a field of the page
        assert f'id="{target}"' in page.split('id="error-summary"')[1]
    assert "在校学生数" in unescape(summary) and "自查清单第 1 项：请选择落实情况" in summary
    assert ReportVersion.objects.count() == 0


def test_the_summary_comes_before_the_form_and_the_fields_keep_their_messages(world, report, login):
    data = form_data(report)
    data["ind_after_school_students"] = "900"  # above the 800 enrolled
    page = page_of(login(world.alice).post(f"/reports/{report.pk}/submit/", data))
    assert "有 1 处需要修改" in page
    assert page.index("error-summary") < page.index('id="report-form"')
    assert page.count("不能超过在校学生数（800）") == 2  # in the summary and beside the field
    assert 'aria-describedby="err_ind_after_school_students"' in page
    assert 'value="900"' in page  # what was typed stays


def test_the_self_check_lists_a_blank_and_a_contradiction_and_submits_nothing(world, report, login):
    response = login(world.alice).post(
        f"/reports/{report.pk}/submit/", form_data(report, flawed_content())
    )
    page = unescape(page_of(response))
    report.refresh_from_db()
    assert response.status_code == 200
    assert report.state == ReportState.DRAFT and not report.versions.exists()
    assert "提交前自查：发现" in page and "仍然提交" in page
    assert "“××”是没有填写的占位符或打码" in page
    assert "与填写的“参加课后服务学生数”（720）不一致" in page
    # each finding selects its passage in the field's own text
    text = report.sections["achievements"]
    spans = re.findall(
        r'href="#id_section_achievements" data-jump data-start="(\d+)" data-end="(\d+)"', page
    )
    passages = {text[int(a) : int(b)] for a, b in spans}
    assert "××" in passages and any("760" in p for p in passages)


def test_submit_anyway_submits_the_checked_draft_and_an_edited_one_is_checked_again(
    world, report, login
):
    client = login(world.alice)
    client.post(f"/reports/{report.pk}/submit/", form_data(report, flawed_content()))
    report.refresh_from_db()
    edited = flawed_content()
    edited["sections"]["problems"] = "改过的问题"
    data = form_data(report, edited)
    data["selfcheck_seen"] = str(report.revision)  # checked before this edit
    assert "提交前自查" in page_of(client.post(f"/reports/{report.pk}/submit/", data))
    report.refresh_from_db()
    assert not report.versions.exists()
    data = form_data(report, edited)
    data["selfcheck_seen"] = str(report.revision)
    response = client.post(f"/reports/{report.pk}/submit/", data)
    report.refresh_from_db()
    assert response.status_code == 302
    assert report.state == ReportState.SUBMITTED and report.versions.count() == 1


def test_a_clean_draft_is_submitted_in_one_request(world, report, login):
    response = login(world.alice).post(f"/reports/{report.pk}/submit/", form_data(report))
    report.refresh_from_db()
    assert response.status_code == 302 and report.version == 1


def test_another_schools_name_is_found_but_not_the_schools_own_or_its_bureau(world, report):
    content = complete_content()
    content["sections"]["achievements"] = (
        f"{world.school_a1.name}在{world.county_a.name}指导下开展工作，"
        f"借鉴{world.school_a2.name}的经验。"
    )
    report = fill(report, world.alice, content)
    found = pipeline.draft_analysis(report)["other_units"]
    assert [f["text"] for f in found] == [world.school_a2.name]
    text = report.full_text()
    assert text[found[0]["start"] : found[0]["end"]] == world.school_a2.name


def test_a_section_identical_to_the_last_report_is_flagged(world, login):
    now = timezone.now()
    first = make_campaign(world, title="上学期", deadline=now + timedelta(days=1))
    old = fill(Report.objects.get(campaign=first, organization=world.school_a1), world.alice)
    report_submit(report_id=old.pk, actor=world.alice)
    second = make_campaign(world, title="本学期", deadline=now + timedelta(days=20))
    report = Report.objects.get(campaign=second, organization=world.school_a1)
    content = complete_content()
    content["sections"]["problems"] = "今年发现的新问题。"
    response = login(world.alice).post(f"/reports/{report.pk}/submit/", form_data(report, content))
    page = unescape(page_of(response))
    assert "“自查情况及成效”与本校上一次提交的文字完全相同" in page
    assert "“存在的问题”与本校上一次提交的文字完全相同" not in page


def test_the_school_sees_what_the_worker_later_stores(world, report):
    report = fill(report, world.alice, flawed_content())
    draft = pipeline.draft_analysis(report)
    version = report_submit(report_id=report.pk, actor=world.alice)
    stored = pipeline.run_analysis(version.pk).result
    for key in ("placeholders", "gaps", "contradictions", "missing_kinds", "residue"):
        assert draft[key] == stored[key], key
    assert draft["placeholders"] and draft["contradictions"]


def test_two_submits_of_the_same_form_make_one_version(world, report, login):
    client = login(world.alice)
    data = form_data(report)  # both tabs hold revision 0
    first = client.post(f"/reports/{report.pk}/submit/", data)
    second = client.post(f"/reports/{report.pk}/submit/", data, follow=True)
    assert first.status_code == 302
    assert ReportVersion.objects.filter(report=report).count() == 1
    assert "已提交（第 1 版），无需重复提交" in page_of(second)


def test_a_stale_save_of_exactly_the_stored_text_is_not_a_conflict(world, report):
    fill(report, world.alice)  # the autosave landed: revision 0 → 1
    saved = report_save_draft(
        report_id=report.pk, actor=world.alice, revision=0, **complete_content()
    )
    assert saved.revision == 1


def test_values_are_shown_as_entered_after_submission(world, login):
    campaign = make_campaign(world)
    campaign.indicators.add(
        *IndicatorDefinition.objects.filter(code__in=["homework_grade12", "phones_managed"])
    )
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    content = complete_content()
    content["indicator_values"].update({"homework_grade12": 0, "phones_managed": True})
    report_submit(report_id=fill(report, world.alice, content).pk, actor=world.alice)
    page = page_of(login(world.alice).get(f"/reports/{report.pk}/"))

    def shown(code: str) -> str:
        return re.search(rf'data-value="ind_{code}">([^<]*)<', page).group(1)

    assert shown("homework_grade12") == "0 分钟/天"
    assert shown("phones_managed") == "是"
    assert shown("enrolment") == "800 人"


def test_a_junior_school_is_not_asked_about_primary_grades(world, login):
    campaign = make_campaign(world)
    junior = Report.objects.get(campaign=campaign, organization=world.school_a2)
    primary = Report.objects.get(campaign=campaign, organization=world.school_a1)
    item = ChecklistItemDefinition.objects.get(code="hw_no_grade12")
    assert item.school_types == ["primary", "nine_year"]  # set by migration 0012
    assert item.text not in page_of(login(world.amy).get(f"/reports/{junior.pk}/"))
    assert item.text in page_of(login(world.alice).get(f"/reports/{primary.pk}/"))
    assert "chk_hw_no_grade12" not in validation.report_errors(junior)
    assert "chk_hw_no_grade12" in validation.report_errors(primary)


def test_a_day_school_is_not_asked_about_lights_out(world):
    lights_out = IndicatorDefinition.objects.get(code="lights_out")
    assert lights_out.boarding_only
    assert not lights_out.applies_to(world.school_a1)
    world.school_a1.boarding = True
    assert lights_out.applies_to(world.school_a1)


def test_favicon_ico_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".ico")
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page


def test_a_resubmission_is_flagged_only_where_the_return_asked_for_a_change(world, report, login):
    from reports.workflow import report_open_review, report_return

    fill(report, world.alice)
    report_submit(report_id=report.pk, actor=world.alice)
    report_open_review(report_id=report.pk, reviewer=world.rita)
    report_return(
        report_id=report.pk,
        reviewer=world.rita,
        version_number=1,
        comment="请修改",
        section_comments={"problems": "问题写得太笼统"},
    )
    report.refresh_from_db()
    unchanged = complete_content()
    page = unescape(
        page_of(
            login(world.alice).post(f"/reports/{report.pk}/submit/", form_data(report, unchanged))
        )
    )
    assert "“存在的问题”与本校上一次提交的文字完全相同" in page
    assert "“自查情况及成效”与本校上一次提交的文字完全相同" not in page  # not asked to change
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED

    revised = complete_content()
    revised["sections"]["problems"] = "课后服务参与率偏低，个别教师作业设计能力不足。"
    response = login(world.alice).post(
        f"/reports/{report.pk}/submit/", form_data(report, revised), follow=True
    )
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.version == 2, unescape(
        page_of(response)
    )[:300]

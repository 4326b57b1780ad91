"""A return that names sections reopens only those: each section comment stands above that
section's box in the school's form, the other sections (and indicators, and the checklist)
stay as submitted whatever is posted; an overall comment alone reopens everything."""

import pytest

from reports.choices import ReportState
from reports.models import Report
from reports.rules import editable_sections, return_scope
from reports.workflow import report_return, report_submit
from tests.factories import complete_content, form_data
from tests.test_review_workflow import under_review


@pytest.fixture
def returned(world, login):
    report = under_review(world)
    login(world.rita).post(
        f"/review/reports/{report.pk}/return/",
        {
            "version_number": 1,
            "comment": "两处需要补充",
            "section_problems": "请写明是哪些学科",
            "section_next_steps": "措施要有时间表",
            "indicators": ["homework_grade36"],
        },
    )
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    return report


def test_the_school_sees_each_comment_above_its_section_and_edits_only_those(
    world, login, returned
):
    page = login(world.alice).get(f"/reports/{returned.pk}/").content.decode()
    problems, next_steps = page.index("请写明是哪些学科"), page.index("措施要有时间表")
    assert problems < page.index('name="section_problems"')
    assert next_steps < page.index('name="section_next_steps"') and problems < next_steps
    assert 'name="section_achievements"' not in page  # locked: shown, not editable
    assert "这一栏未被退回" in page
    assert 'name="ind_homework_grade36"' in page and 'name="ind_enrolment"' not in page
    assert 'name="chk_' not in page
    assert editable_sections(returned) == {"problems", "next_steps"}


def test_a_post_changing_a_locked_section_or_indicator_is_ignored(world, login, returned):
    content = complete_content()
    content["sections"]["achievements"] = "偷偷改了成效。"
    content["sections"]["problems"] = "数学和英语学科作业设计能力不足。"
    content["indicator_values"]["enrolment"] = 1
    content["indicator_values"]["homework_grade36"] = 45
    login(world.alice).post(f"/reports/{returned.pk}/save/", form_data(returned, content))
    returned.refresh_from_db()
    before = returned.versions.get(number=1)
    assert returned.sections["achievements"] == before.sections["achievements"]
    assert returned.sections["problems"] == "数学和英语学科作业设计能力不足。"
    assert returned.indicator_values["enrolment"] == before.indicator_values["enrolment"]
    assert returned.indicator_values["homework_grade36"] == 45
    assert returned.checklist_answers == before.checklist_answers


def test_an_overall_comment_alone_reopens_everything(world, login):
    report = under_review(world)
    report_return(report_id=report.pk, reviewer=world.rita, version_number=1, comment="重写")
    report = Report.objects.get(pk=report.pk)
    assert return_scope(report) is None
    page = login(world.alice).get(f"/reports/{report.pk}/").content.decode()
    assert 'name="section_achievements"' in page and 'name="ind_enrolment"' in page


def test_after_resubmission_the_diff_shows_that_nothing_else_moved(world, login, returned):
    content = complete_content()
    content["sections"]["problems"] = "个别教师作业设计能力不足，主要是数学和英语学科。"
    content["sections"]["next_steps"] = "开展作业设计培训；每月一次。"
    login(world.alice).post(f"/reports/{returned.pk}/save/", form_data(returned, content))
    report_submit(report_id=returned.pk, actor=world.alice)
    page = login(world.rita).get(f"/review/reports/{returned.pk}/").content.decode()
    assert '自查情况及成效 <span class="text-muted fw-normal">（未修改）</span>' in page
    assert "<ins>，主要是数学和英语学科</ins>" in page
    assert "指标变化" not in page

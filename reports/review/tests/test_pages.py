"""The review page (analysis highlights, flags, indicators, diff), the school's view of the
comments, rectification follow-up and the supervisor overview."""

from datetime import timedelta

from django.utils import timezone

from reports.choices import AnalysisState, RectificationStatus, ReportState
from reports.models import AnalysisResult, AuditEvent, RectificationItem, Report
from reports.review.highlight import highlight
from reports.workflow import report_approve, report_open_review, report_return
from tests.factories import complete_content, make_campaign
from tests.test_review_workflow import resubmit, submitted_report, under_review

# ---------------------------------------------------------------- highlights


def _find(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_highlights_mark_placeholders_copies_and_contradictions(world, login):
    report = submitted_report(world)
    version = report.versions.get()
    text = version.text
    p = _find(text, "五天")
    c = _find(text, "全面落实作业公示制度")
    k = _find(text, "个别教师")
    AnalysisResult.objects.create(
        version=version,
        state=AnalysisState.DONE,
        risk=12,
        copied_share=0.31,
        flags={"copied_share": 0.31, "copies": 1, "placeholders": 1, "contradictions": 1},
        result={
            "placeholders": [{"text": "五天", "start": p[0], "end": p[1]}],
            "copies": [
                {
                    "start": c[0],
                    "end": c[1],
                    "source": "version:9",
                    "source_label": "乙县某校 2024 年报告",
                    "source_start": 0,
                    "source_end": 10,
                    "similarity": 0.87,
                }
            ],
            "contradictions": [
                {
                    "indicator": "enrolment",
                    "label": "在校学生数",
                    "form_value": 800,
                    "text_value": 900,
                    "start": k[0],
                    "end": k[1],
                    "text": "个别教师",
                }
            ],
        },
    )
    page = login(world.rita).get(f"/review/reports/{report.pk}/").content.decode()
    assert '<mark class="mark-placeholder" title="未填写的模板空白">五天</mark>' in page
    assert 'title="与 乙县某校 2024 年报告 雷同 87%"' in page
    assert '<mark class="mark-contradiction"' in page
    assert "在校学生数：表中填 800，正文写 900，两者不一致" in page
    assert "是没有填写的模板占位符" in page
    assert "雷同比例：<strong>31%</strong>" in page


def test_overlapping_spans_are_merged_and_everything_is_escaped():
    text = "ab<script>cd"
    result = {
        "placeholders": [{"start": 0, "end": 4}],
        "copies": [{"start": 2, "end": 12, "source_label": "<b>x</b>", "similarity": 0.5}],
    }
    html = str(highlight(text, result))
    assert "<script>" not in html and "<b>" not in html
    assert html == (
        '<mark class="mark-placeholder" title="未填写的模板空白">ab</mark>'
        '<mark class="mark-placeholder mark-copy" title="未填写的模板空白；与 &lt;b&gt;x&lt;/b&gt; '
        '雷同 50%">&lt;s</mark>'
        '<mark class="mark-copy" title="与 &lt;b&gt;x&lt;/b&gt; 雷同 50%">cript&gt;cd</mark>'
    )


def test_bad_offsets_from_the_analysis_are_ignored():
    html = str(highlight("正文", {"placeholders": [{"start": 5, "end": 9}, {"start": "x"}]}))
    assert html == "正文"


def test_the_page_says_the_analysis_is_pending(world, login):
    report = submitted_report(world)
    page = login(world.rita).get(f"/review/reports/{report.pk}/").content.decode()
    assert "分析进行中" in page


def test_a_failed_analysis_offers_a_retry(world, login):
    report = submitted_report(world)
    AnalysisResult.objects.create(version=report.versions.get(), state=AnalysisState.FAILED)
    client = login(world.rita)
    page = client.get(f"/review/reports/{report.pk}/").content.decode()
    assert "分析失败" in page and "重新分析" in page
    response = client.post(f"/review/reports/{report.pk}/reanalyze/", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "分析服务暂不可用" in text or "已重新提交分析" in text


def test_the_page_shows_indicators_with_last_periods_values_and_carried_items(world, login):
    now = timezone.now()
    earlier = make_campaign(
        world,
        title="上学期自查",
        period="2024—2025学年第二学期",
        opens_at=now - timedelta(days=200),
        deadline=now - timedelta(days=180),
    )
    old = submitted_report(world, campaign=earlier)
    RectificationItem.objects.create(
        organization=world.school_a1, report=old, problem="雨天体育活动时长不足"
    )
    report = submitted_report(world)
    response = login(world.rita).get(f"/review/reports/{report.pk}/")
    page = response.content.decode()
    row = next(r for r in response.context["indicator_rows"] if r["definition"].code == "enrolment")
    assert (row["value"], row["previous"]) == ("800", "800")
    assert "上一期（2024—2025学年第二学期）" in page
    assert "雨天体育活动时长不足" in page and "2024—2025学年第二学期 遗留" in page
    assert "已落实" in page  # checklist answers


# ---------------------------------------------------------------- diff


def test_the_reviewer_sees_what_changed_since_the_returned_version(world, login):
    report = under_review(world)
    report_return(
        report_id=report.pk,
        reviewer=world.rita,
        version_number=1,
        comment="问题写得太笼统",
        section_comments={"problems": "请写明是哪些学科"},
    )
    resubmit(report, world.alice, "个别教师作业设计能力不足，主要是数学和英语学科。")
    page = login(world.rita).get(f"/review/reports/{report.pk}/").content.decode()
    assert "第 1 版退回后的修改" in page
    assert "<ins>，主要是数学和英语学科</ins>" in page
    assert "您的意见：</span>请写明是哪些学科" in page
    assert '自查情况及成效 <span class="text-muted fw-normal">（未修改）</span>' in page
    assert '<span class="badge text-bg-secondary">原</span> 个别教师作业设计能力不足。' in page


def test_the_school_sees_the_section_comments(world, login):
    report = under_review(world)
    report_return(
        report_id=report.pk,
        reviewer=world.rita,
        version_number=1,
        comment="请补充",
        section_comments={"problems": "请写明是哪些学科"},
    )
    page = login(world.alice).get(f"/review/reports/{report.pk}/feedback/").content.decode()
    assert "请补充" in page and "请写明是哪些学科" in page
    assert "存在的问题" in page and "去修改报告" in page
    assert complete_content()["sections"]["problems"] in page


# ---------------------------------------------------------------- rectification follow-up


def _items(world):
    report = submitted_report(world)
    today = timezone.localdate()
    late = RectificationItem.objects.create(
        organization=world.school_a1,
        report=report,
        problem="逾期的事项",
        measure="已重新排课",
        due_date=today - timedelta(days=3),
    )
    done = RectificationItem.objects.create(
        organization=world.school_a1,
        report=report,
        problem="学校已整改的事项",
        due_date=today + timedelta(days=30),
        status=RectificationStatus.DONE,
    )
    closed = RectificationItem.objects.create(
        organization=world.school_a1,
        report=report,
        problem="早已核实的事项",
        status=RectificationStatus.VERIFIED,
    )
    return late, done, closed


def test_open_items_are_listed_overdue_first(world, login):
    late, done, closed = _items(world)
    page = login(world.rita).get("/review/rectifications/").content.decode()
    assert page.index("逾期的事项") < page.index("学校已整改的事项")
    assert "早已核实的事项" not in page and "已超期" in page


def test_a_reviewer_verifies_or_sends_back_an_item(
    world, login, django_capture_on_commit_callbacks
):
    late, done, closed = _items(world)
    client = login(world.rita)
    response = client.post(f"/review/rectifications/{done.pk}/send-back/", {"comment": ""})
    done.refresh_from_db()
    assert response.status_code == 302 and done.status == RectificationStatus.DONE
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/review/rectifications/{done.pk}/send-back/", {"comment": "没有佐证"})
    done.refresh_from_db()
    assert done.status == RectificationStatus.IN_PROGRESS
    assert world.alice.notifications.filter(kind="rectification_sent_back").exists()
    client.post(f"/review/rectifications/{late.pk}/verify/")
    late.refresh_from_db()
    assert late.status == RectificationStatus.VERIFIED
    event = AuditEvent.objects.get(action="rectification_verify")
    assert event.detail["from"] == "open" and event.detail["to"] == "verified"


# ---------------------------------------------------------------- supervisor overview


def test_the_supervisor_sees_progress_per_county_and_drills_down(world, login):
    campaign = make_campaign(world)
    report = under_review(world, campaign=campaign)
    report_approve(report_id=report.pk, reviewer=world.rita, version_number=1)
    a2 = submitted_report(world, campaign=campaign, school=world.school_a2, user=world.amy)
    AnalysisResult.objects.create(
        version=a2.versions.get(), state=AnalysisState.DONE, flags={"placeholders": 2}
    )
    client = login(world.sam)
    response = client.get(f"/review/overview/{campaign.pk}/")
    rows = {r["unit"].name: r["counts"] for r in response.context["rows"]}
    assert list(rows) == ["甲县教育局"]  # county B has no school in this campaign
    assert {k: rows["甲县教育局"][k] for k in ("total", "submitted", "approved", "flagged")} == {
        "total": 2,
        "submitted": 2,
        "approved": 1,
        "flagged": 1,
    }
    drill = client.get(f"/review/overview/{campaign.pk}/?unit={world.county_a.pk}")
    page = drill.content.decode()
    assert f'href="/review/reports/{report.pk}/"' in page and "模板空白 2" in page
    review = client.get(f"/review/reports/{report.pk}/").content.decode()
    assert "审核通过" not in review and "reopen-form" not in review  # read-only


def test_the_overview_refuses_units_outside_the_subtree(world, login):
    campaign = make_campaign(world)
    url = f"/review/overview/{campaign.pk}/?unit={world.city.pk}"
    assert login(world.rita).get(url).status_code == 404


def test_the_overview_groups_in_one_query(world, login, django_assert_max_num_queries):
    campaign = make_campaign(world)
    submitted_report(world, campaign=campaign)
    client = login(world.sam)
    with django_assert_max_num_queries(12):
        assert client.get(f"/review/overview/{campaign.pk}/").status_code == 200


def test_a_returned_report_page_offers_no_action(world, login):
    report = under_review(world)
    report_return(report_id=report.pk, reviewer=world.rita, version_number=1, comment="请修改")
    page = login(world.rita).get(f"/review/reports/{report.pk}/").content.decode()
    assert "等待学校修改后重新提交" in page and 'id="approve-form"' not in page
    assert Report.objects.get(pk=report.pk).state == ReportState.RETURNED


def test_an_older_version_can_be_read(world, login):
    report = under_review(world)
    report_return(report_id=report.pk, reviewer=world.rita, version_number=1, comment="请修改")
    resubmit(report, world.alice, "第二版的问题")
    report_open_review(report_id=report.pk, reviewer=world.rita)
    page = login(world.rita).get(f"/review/reports/{report.pk}/?v=1").content.decode()
    assert "您在查看历史版本" in page and 'id="approve-form"' not in page
    assert "个别教师作业设计能力不足。" in page

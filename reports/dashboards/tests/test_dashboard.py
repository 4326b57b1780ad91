"""Dashboards: progress with drill-down, timeliness, attention list, indicators against limits
and the previous campaign, checklist counts, flags — numbers checked against what was
entered, scoping, and a query count that does not grow with the number of units."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.choices import OrgKind, SchoolType
from reports.dashboards import queries as dashboards
from reports.models import Organization, Report, ReportVersion
from reports.services.reports import campaign_publish
from tests.export_builders import analyse, build, city_campaign, content, submit


@pytest.fixture
def built(world):
    return build(world)


def row_of(html: str, table_id: str, marker: str) -> list[str]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    for attrs, row in re.findall(r"<tr([^>]*)>(.*?)</tr>", table, re.S):
        if marker in attrs + row:
            return [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
            ]
    raise AssertionError(f"{marker} not in {table_id}")


def test_progress_per_county_then_drill_down_to_schools(world, built, login):
    client = login(world.sam)
    page = client.get("/dashboard/", {"campaign": built.campaign.pk}).content.decode()
    # 单位 应报 未开始 草稿 已提交 退回 已通过 逾期 提交率
    assert row_of(page, "progress-table", "甲县教育局") == [
        "甲县教育局",
        "2",
        "0",
        "0",
        "0",
        "1",
        "1",
        "0",
        "100.0%",
    ]
    assert row_of(page, "progress-table", "乙县教育局")[:3] == ["乙县教育局", "1", "1"]
    assert f"?campaign={built.campaign.pk}&unit={world.county_a.pk}" in page
    page = client.get(
        "/dashboard/", {"campaign": built.campaign.pk, "unit": world.county_a.pk}
    ).content.decode()
    assert row_of(page, "progress-table", "甲县第一小学")[1:7] == ["1", "0", "0", "0", "0", "1"]
    assert "乙县第一小学" not in page
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in page
    assert 'data-chart="progress"' in page and 'id="dashboard-charts"' in page


def test_a_county_reviewer_sees_only_their_county_and_gets_404_beyond(world, built, login):
    client = login(world.rita)
    page = client.get("/dashboard/", {"campaign": built.campaign.pk}).content.decode()
    assert "甲县第一小学" in page and "乙县第一小学" not in page
    assert 'data-total="total">2<' in page
    assert client.get("/dashboard/", {"unit": world.county_b.pk}).status_code == 404
    assert client.get("/dashboard/", {"unit": world.city.pk}).status_code == 404
    assert login(world.alice).get("/dashboard/").status_code == 403
    assert client.post("/dashboard/").status_code == 405


def test_the_home_page_does_not_load_the_chart_library(world, login):
    assert "chart.umd.min.js" not in login(world.rita).get("/").content.decode()


def test_timeliness_counts_first_submissions_per_local_day(world, built):
    # 23:30 Beijing time is 15:30 UTC the same day; 00:30 Beijing is the previous UTC day.
    deadline_local = timezone.localtime(built.campaign.deadline)
    late_evening = deadline_local.replace(hour=23, minute=30) - timedelta(days=2)
    ReportVersion.objects.filter(report=built.a1).update(submitted_at=late_evening)
    ReportVersion.objects.filter(report=built.a2).update(
        submitted_at=late_evening + timedelta(hours=1)
    )
    data = dashboards.timeliness(built.campaign, world.city, world.sam)
    assert [(row["day"], row["count"]) for row in data["days"]] == [
        (late_evening.date(), 1),
        (late_evening.date() + timedelta(days=1), 1),
    ]
    assert data["days"][-1]["cumulative"] == 2 and data["days"][0]["days_to_deadline"] == 2


def test_units_needing_attention(world, built, login):
    type(built.campaign).objects.filter(pk=built.campaign.pk).update(
        deadline=timezone.now() + timedelta(days=2)
    )
    page = login(world.sam).get("/dashboard/", {"campaign": built.campaign.pk}).content.decode()
    assert row_of(page, "attention-table", "乙县第一小学")[1:] == [
        "未开始",
        "未开始，距截止不足3天",
    ]
    assert row_of(page, "attention-table", "甲县实验中学")[2] == "退回后未重新提交"
    assert row_of(page, "attention-table", "甲县第一小学")[2] == "文本分析有提示"


def test_indicators_against_limits_and_the_previous_campaign(world, built, login):
    previous = city_campaign(
        world,
        title="上期自查",
        opens_at=timezone.now() - timedelta(days=200),
        deadline=timezone.now() - timedelta(days=180),
    )
    old = Report.objects.get(campaign=previous, organization=world.school_a1)
    type(previous).objects.filter(pk=previous.pk).update(
        deadline=timezone.now() + timedelta(days=1)
    )
    submit(old, world.alice, content(homework_grade36=80, enrolment=760))
    type(previous).objects.filter(pk=previous.pk).update(
        deadline=timezone.now() - timedelta(days=180)
    )
    page = login(world.rita).get("/dashboard/", {"campaign": built.campaign.pk}).content.decode()
    # 指标 填报数 平均 最小 最大 政策要求 未达要求 上期平均 较上期
    homework = row_of(page, "indicator-table", 'data-code="homework_grade36"')
    assert homework == [
        "三至六年级书面作业平均完成时间（分钟/天）",
        "1",
        "70.0",
        "70.0",
        "70.0",
        "不超过60分钟",
        "1（100.0%）",
        "80.0",
        "-12.5%",
    ]
    enrolment = row_of(page, "indicator-table", 'data-code="enrolment"')
    assert enrolment[1:5] == ["2", "1000.0", "800.0", "1200.0"] and enrolment[7] == "760.0"
    assert "上期自查" in page
    stats = dashboards.indicator_stats(built.campaign, world.county_a, world.rita)["stats"]
    histogram = next(s for s in stats if s.definition.code == "enrolment").histogram
    assert sum(b["count"] for b in histogram) == 2


def test_checklist_answers_are_counted_per_item(world, built, login):
    page = login(world.sam).get("/dashboard/", {"campaign": built.campaign.pk}).content.decode()
    # 检查内容 已落实 部分落实 未落实 不适用
    assert row_of(page, "checklist-table", 'data-code="hw_no_grade12"')[1:] == ["2", "0", "0", "0"]


def test_flags_count_copies_by_source(world, built, login):
    version = built.a2.versions.get(number=built.a2.version)
    analyse(version, copies=1, copied_share=0.1, off_topic=True, sources=("reference:9",))
    data = dashboards.flag_overview(built.campaign, world.city, world.sam)["totals"]
    assert data["copied"] == 2 and data["copied_high"] == 1
    assert data["copied_schools"] == 1 and data["copied_reference"] == 2
    assert data["placeholders"] == 1 and data["off_topic"] == 1 and data["flagged"] == 2
    page = login(world.sam).get("/dashboard/", {"campaign": built.campaign.pk}).content.decode()
    assert row_of(page, "flags-table", "雷同来自范文库") == ["雷同来自范文库", "2"]
    assert row_of(page, "flags-child-table", "甲县教育局")[1] == "2"
    # An analysis of an older version does not count: only the current version's.
    assert (
        dashboards.flag_overview(built.campaign, world.county_b, world.ben)["totals"]["flagged"]
        == 0
    )


def add_schools(world, county_count: int, schools_each: int) -> None:
    for c in range(county_count):
        county = Organization.objects.create(
            name=f"新县{c}", code=f"NC{c}", kind=OrgKind.COUNTY, parent=world.city
        )
        for s in range(schools_each):
            Organization.objects.create(
                name=f"新县{c}学校{s}",
                code=f"N{c:02d}{s:03d}",
                kind=OrgKind.SCHOOL,
                parent=county,
                school_type=SchoolType.PRIMARY,
            )


def test_the_dashboard_query_count_does_not_grow_with_the_number_of_units(world, built, login):
    client = login(world.sam)
    params = {"campaign": built.campaign.pk}
    client.get("/dashboard/", params)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/dashboard/", params).status_code == 200
    add_schools(world, county_count=6, schools_each=8)
    campaign_publish(campaign=built.campaign, actor=world.ada)  # reports for the new schools
    with CaptureQueriesContext(connection) as large:
        page = client.get("/dashboard/", params).content.decode()
    assert "新县5" in page and 'data-total="total">51<' in page
    assert len(large) == len(small)


def test_the_one_scan_pass_gives_the_same_numbers_as_the_separate_queries(world, built):
    version = built.a2.versions.get(number=built.a2.version)
    analyse(version, copies=1, copied_share=0.1, off_topic=True, sources=("reference:9",))
    campaign, unit, user = built.campaign, world.city, world.sam
    children = dashboards.children_of(unit)
    definitions = dashboards.number_indicators(campaign)
    items = dashboards.checklist_items(campaign)
    one = dashboards.dashboard_pass(campaign, unit, user, definitions, items, children)
    progress = dashboards.progress(campaign, unit, user, children)
    # The page also shows 审核中 (part of 已提交); the API's progress keeps its keys.
    assert one["progress"]["totals"].pop("under_review") == 0
    assert one["progress"]["totals"] == progress["totals"]
    assert [(r.unit, {**r.counts, "under_review": 0}) for r in progress["children"]] == [
        (r.unit, r.counts) for r in one["progress"]["children"]
    ]
    flags = dashboards.flag_overview(campaign, unit, user, children)
    assert one["flags"] == flags and flags["totals"]["flagged"] == 2
    assert one["checklist"] == dashboards.checklist_counts(campaign, unit, user)
    stats = dashboards.indicator_stats(campaign, unit, user, definitions)["stats"]
    assert [vars(s) for s in one["indicators"]["stats"]] == [vars(s) for s in stats]
    assert one["indicators_by_child"] == dashboards.indicator_averages_by_child(
        campaign, unit, user, definitions, children
    )


def test_histogram_buckets_are_red_only_when_every_value_breaks_the_limit(world, built, login):
    submit(built.b1, world.bob, content(homework_grade36=60))  # exactly at the cap: compliant
    page = login(world.sam).get("/dashboard/", {"campaign": built.campaign.pk})
    charts = page.context["charts"]
    stats = {h["stat"].definition.code: h for h in page.context["histograms"]}
    colours = {
        code: dict(
            zip(
                charts[h["key"]]["labels"],
                charts[h["key"]]["datasets"][0]["backgroundColor"],
                strict=True,
            )
        )
        for code, h in stats.items()
    }
    homework = next(s for s in stats.values() if s["stat"].definition.code == "homework_grade36")
    buckets = homework["stat"].histogram
    assert any(b["low"] > 60 for b in buckets), "a school above the 60-minute cap"
    assert any(b["low"] == 60 and b["high"] > 60 for b in buckets), "a bucket from 60 up"
    for bucket in homework["stat"].histogram:
        expected = "#dc3545" if bucket["low"] > 60 else "#0d6efd"
        assert colours["homework_grade36"][bucket["label"]] == expected


def test_a_bucket_of_equal_values_is_labelled_with_the_value():
    from reports.dashboards.queries.indicators import IndicatorStat, _bin_edges

    stat = IndicatorStat.__new__(IndicatorStat)
    stat.min, stat.max = 0.0, 0.0
    assert _bin_edges(stat) == [0.0, 0.0]

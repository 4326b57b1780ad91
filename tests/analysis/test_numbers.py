from __future__ import annotations

import pytest

from reports.analysis import analyze, fold
from reports.analysis.numbers import find_numbers, parse_chinese_numeral
from tests.corpus import corpus_slice
from tests.fixtures import fixture_text


def _nums(text: str) -> list[tuple]:
    return [
        (q.text, q.value, q.value_max, q.unit, q.comparison, q.masked)
        for q in find_numbers(text, fold(text))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每天锻炼一小时", [("一小时", 1.0, None, "小时", None, False)]),
        ("九十分钟", [("九十分钟", 90.0, None, "分钟", None, False)]),
        ("开设二十五个社团", [("二十五个", 25.0, None, "个", None, False)]),
        ("百分之四十的家长", [("百分之四十", 40.0, None, "%", None, False)]),
        ("三成学生参加", [("三成", 30.0, None, "%", None, False)]),
        ("惠及1.5万人", [("1.5万人", 15000.0, None, "人", None, False)]),
        ("作业控制在90分钟以内", [("90分钟以内", 90.0, None, "分钟", "upper_bound", False)]),
        ("会议次数较去年减少15%", [("15%", 15.0, None, "%", "decrease", False)]),
        ("参与率提高了5个百分点", [("5个百分点", 5.0, None, "个百分点", "increase", False)]),
        ("每组3-5人", [("3-5人", 3.0, 5.0, "人", None, False)]),
        ("减少30%-50%", [("30%-50%", 30.0, 50.0, "%", "decrease", False)]),
        ("不少于30分钟", [("30分钟", 30.0, None, "分钟", "lower_bound", False)]),
        ("每周安排两节", [("两节", 2.0, None, "节", None, False)]),
        ("出动执法人员770余人次", [("770余人次", 770.0, None, "人次", "approx", False)]),
        ("约200名学生", [("200名", 200.0, None, "名", "approx", False)]),
        ("共3600万元", [("3600万元", 3600.0, None, "万元", None, False)]),
        ("成员单位增加到23个", [("23个", 23.0, None, "个", None, False)]),
        ("参与率*.*%", [("*.*%", None, None, "%", None, True)]),
        ("参加*人", [("*人", None, None, "人", None, True)]),
        ("%家长认为作业适量", [("%", None, None, "%", None, True)]),
        ("发文数量:xxx件", [("xxx件", None, None, "件", None, True)]),
        ("同比减少xxx%", [("xxx%", None, None, "%", "decrease", True)]),
    ],
)
def test_it_reads_quantities(text: str, expected: list[tuple]) -> None:
    assert _nums(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "一、二年级不布置书面作业",
        "三至六年级",
        "1—6年级",
        "1一6年级",
        "7-9年级",
        "2023年5月",
        "2024年",
        "20xx年6月23日",
        "二〇二三年",
        "16:00-16:40为学科服务时间",
        "下午5点半放学",
        "“1+x”",
        "“5+2”",
        "五项管理",
        "两手抓",
        "双减",
        "“三个一”",
        "一些一定一直一是一方面一体化统一进一步之一",
        "一名称职的教师",
        "第10、11周",
        "(1)课任教师",
        "1、各班一律不安排早自习",
        "〔2024〕10号",
        "八项规定",
        "5G网络",
    ],
)
def test_it_does_not_read_non_quantities(text: str) -> None:
    assert _nums(text) == []


def test_it_reads_grade_band_limits_but_not_the_grades():
    text = "三年级不超过40分钟，四、五、六年级不超过一小时"
    assert _nums(text) == [
        ("40分钟", 40.0, None, "分钟", "upper_bound", False),
        ("一小时", 1.0, None, "小时", "upper_bound", False),
    ]


def test_parse_chinese_numeral():
    assert parse_chinese_numeral("九十") == 90
    assert parse_chinese_numeral("二十五") == 25
    assert parse_chinese_numeral("十三") == 13
    assert parse_chinese_numeral("一百零五") == 105
    assert parse_chinese_numeral("一万二千") == 12000
    assert parse_chinese_numeral("两") == 2
    assert parse_chinese_numeral("一个半") == 1.5


def test_it_reads_a_reports_chinese_numerals_and_leaves_terms_and_grades_alone():
    text = fixture_text("terms_and_numbers")
    got = {(q.text, q.value, q.unit) for q in analyze(text).numbers}
    assert {
        ("四十分钟以内", 40.0, "分钟"),
        ("一小时", 1.0, "小时"),
        ("二十五个", 25.0, "个"),
        ("百分之九十五", 95.0, "%"),
        ("6个百分点", 6.0, "个百分点"),
    } <= got
    assert not {t for t, _, _ in got} & {"1", "5", "2", "一", "二", "三", "六", "20"}
    for q in analyze(text).numbers:
        assert text[q.start : q.end] == q.text


def test_it_reads_masked_and_plain_figures_of_a_masked_report():
    nums = analyze(fixture_text("masked_report")).numbers
    assert [q.text for q in nums if q.masked] == ["**个", "*.*%"]
    assert ("15%", 15.0, "decrease") in [(q.text, q.value, q.comparison) for q in nums]


def test_it_finds_deleted_percentages_in_corpus_survey(corpus_available):
    text = corpus_slice("000", 48, 48)
    nums = analyze(text).numbers
    pct = [(q.text, q.value) for q in nums if q.unit == "%" and not q.masked]
    assert pct == [("49%", 49.0), ("7%", 7.0)]
    assert [q.text for q in nums if q.unit == "门"] == ["三门", "三门"]
    assert sum(q.masked for q in nums) == 2
    for q in nums:
        assert text[q.start : q.end] == q.text


def test_it_reads_corpus_meeting_cut(corpus_available):
    text = corpus_slice("000", 6, 6)
    got = [(q.text, q.value, q.unit, q.comparison) for q in analyze(text).numbers]
    assert got == [
        ("20次", 20.0, "次", None),
        ("15次", 15.0, "次", None),
        ("15%", 15.0, "%", "decrease"),
    ]


def test_it_finds_masked_counts_in_corpus_line_155(corpus_available):
    text = corpus_slice("000", 155, 155)
    masked = [q.text for q in analyze(text).numbers if q.masked]
    assert masked[:2] == ["xxx件", "xxx%"]

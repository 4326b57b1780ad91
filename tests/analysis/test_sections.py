from __future__ import annotations

from reports.analysis import analyze
from reports.analysis.sections import classify_title, find_sections, find_structure
from tests.corpus import corpus_slice
from tests.fixtures import fixture_text


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.title) for s in find_sections(text)]


def test_it_finds_three_part_report_headings_in_corpus_document_000_1(corpus_available):
    text = corpus_slice("000", 1, 12)
    a = analyze(text)
    kinds = [(s.kind, s.title) for s in a.sections]
    assert kinds == [
        ("work_done", "一、自查情况及成效"),
        ("problems", "二、存在的问题"),
        ("next_steps", "三、下一步工作措施"),
    ]
    assert a.missing_kinds == []
    # sections tile the text from the first heading to the end
    assert a.sections[0].end == a.sections[1].start
    assert a.sections[-1].end == len(text)


def test_it_splits_headings_run_into_one_paragraph_in_corpus_line_245(corpus_available):
    text = corpus_slice("000", 245, 245)
    kinds = [k for k, _ in _kinds(text)]
    assert kinds[:3] == ["work_done", "problems", "next_steps"]
    titles = [t for _, t in _kinds(text)]
    assert titles[0] == "一、自查情况及成效"
    assert titles[2] == "三、下一步工作措施"


def test_it_finds_mid_paragraph_ascii_paren_headings_in_corpus_line_155(corpus_available):
    text = corpus_slice("000", 155, 155)
    got = _kinds(text)
    assert ("work_done", "(一)严守精文减会硬杠杠") in got  # a topic part before the next steps
    assert ("next_steps", "二、下一步工作打算") in got


def test_it_finds_three_part_report_headings_in_a_masked_report():
    text = fixture_text("masked_report")
    a = analyze(text)
    assert [(s.kind, s.title) for s in a.sections] == [
        ("work_done", "一、自查情况及成效"),
        ("problems", "二、存在的问题"),
        ("next_steps", "三、下一步工作措施"),
    ]
    assert a.missing_kinds == []
    assert a.sections[0].end == a.sections[1].start
    assert a.sections[-1].end == len(text)


def test_it_splits_a_report_pasted_as_one_paragraph():
    text = fixture_text("one_paragraph_report")
    assert "\n" not in text
    assert _kinds(text) == [
        ("work_done", "一、自查情况及成效"),
        ("problems", "二、存在的问题"),
        ("next_steps", "三、下一步工作措施"),
    ]


def test_it_cuts_run_in_headings_and_finds_mid_paragraph_parenthesised_ones():
    got = _kinds(fixture_text("inline_headings"))
    assert [title for _, title in got] == [
        "一、健全组织、明确职责",  # run into 学校成立…
        "二、主要做法",
        "(一)控制作业总量",  # ASCII parentheses, after a sentence
        "（二）提升课后服务质量",  # full-width, mid-paragraph
        "三、存在的问题",  # run into 部分家长…
        "四、下一步工作措施",
    ]
    kind = {title: k for k, title in got}
    assert kind["二、主要做法"] == "work_done"
    assert kind["三、存在的问题"] == "problems"
    assert kind["四、下一步工作措施"] == "next_steps"


def test_it_cuts_run_in_heading_after_parallel_phrases():
    text = "一、健全组织、明确职责学校成立“双减”工作领导小组，统筹推进工作。\n二、存在的问题\n无。"
    got = _kinds(text)
    assert got[0] == ("work_done", "一、健全组织、明确职责")
    assert got[1] == ("problems", "二、存在的问题")


def test_a_reports_topic_parts_are_work_done_until_its_problems_and_only_in_a_report():
    text = (
        "一、作业管理\n学校严控作业总量。\n二、课后服务\n每周五天。\n"
        "三、存在问题\n教师负担重。\n四、其他事项\n无。"
    )
    got = [k for k, _ in _kinds(text)]
    assert got == ["work_done", "work_done", "problems", "other"]
    speech = find_structure(text, report=False)[0]
    assert [h.kind for h in speech] == ["other", "other", "problems", "other"]


def test_it_reads_full_width_and_ascii_parentheses_alike():
    text = "（一）基本情况\n我校有学生500人。\n(二)存在问题\n作业偏多。\n(三)下步打算\n继续。"
    assert [k for k, _ in _kinds(text)] == ["overview", "problems", "next_steps"]


def test_it_does_not_take_grade_lists_for_headings():
    text = "一、工作措施\n一、二年级不布置书面作业。\n三、四年级不超过60分钟。\n二、存在问题\n无"
    got = _kinds(text)
    assert [t for _, t in got] == ["一、工作措施", "二、存在问题"]


def test_it_skips_a_page_number_prefix_before_a_chinese_heading():
    text = "12、一、基本情况\n学校概况。\n13、二、存在的问题\n问题。"
    got = _kinds(text)
    assert got == [("overview", "一、基本情况"), ("problems", "二、存在的问题")]


def test_it_uses_arabic_items_only_when_they_look_like_headings():
    text = "1、基本情况\n学校有学生。\n2、存在问题\n作业多。\n3、整改措施\n减少作业。"
    assert [k for k, _ in _kinds(text)] == ["overview", "problems", "next_steps"]


def test_it_reports_missing_required_kinds():
    a = analyze("一、基本情况\n学校有学生。\n二、主要做法\n开展活动。")
    assert a.missing_kinds == ["problems", "next_steps"]


def test_classify_title_prefers_earliest_keyword():
    assert classify_title("存在问题与改进措施") == "problems"
    assert classify_title("下一步工作措施") == "next_steps"
    assert classify_title("整改措施") == "next_steps"
    assert classify_title("自查情况及成效") == "work_done"
    assert classify_title("今后工作思路") == "next_steps"
    assert classify_title("加强学习") == "other"


def test_it_returns_no_sections_for_plain_prose():
    assert find_sections("我校认真落实双减政策，取得良好效果。") == []

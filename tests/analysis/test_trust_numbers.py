"""Figures a reviewer can trust (issue 19): time phrases, titles and site chrome are not
quantities; counted words are; ranges keep both ends; each figure knows what it counts."""

from __future__ import annotations

from reports.analysis import analysis_to_dict, analyze
from reports.analysis.numbers import match_figure, noun_matches


def _figs(text: str) -> list[tuple[str, float | None, float | None, str]]:
    return [(q.text, q.value, q.value_max, q.unit) for q in analyze(text).numbers if not q.masked]


def test_time_phrases_are_not_quantities():
    text = "一年来，学校每季度一通报。下半年新增项目6个。经过两年探索，争取两年内引进教师10名。"
    assert _figs(text) == [("6个", 6.0, None, "个"), ("10名", 10.0, None, "名")]


def test_a_number_in_a_document_title_is_not_a_quantity():
    assert _figs("制定了《XX小学落实双减工作八条措施》，开设兴趣小组22个。") == [
        ("22个", 22.0, None, "个")
    ]


def test_site_chrome_counts_are_not_quantities():
    assert _figs("小学双减工作总结精选10篇\n共5页，当前第1页\n参与率达到98%。") == [
        ("98%", 98.0, None, "%")
    ]


def test_counted_words_are_quantities_but_not_adverbs():
    got = _figs("每学年开展一次体质测试，每学期召开两次家长会。数据一次采集，不搞一次性检查。")
    assert got == [("一次", 1.0, None, "次"), ("两次", 2.0, None, "次")]


def test_ranges_keep_both_ends_and_a_measure_word_stays_the_unit():
    got = _figs("教师每周培训约2-2.5小时，大课间30—40分钟，全校38个班级。")
    assert got == [
        ("2-2.5小时", 2.0, 2.5, "小时"),
        ("30—40分钟", 30.0, 40.0, "分钟"),
        ("38个", 38.0, None, "个"),
    ]


def test_each_figure_keeps_the_noun_it_counts_and_its_sentence():
    text = "学校在校学生670人，专任教师42人。每周开展一次作业检查。"
    qs = analyze(text).numbers
    assert [q.noun for q in qs] == ["在校学生", "专任教师", "作业检查"]
    assert text[qs[1].clause_start : qs[1].start] == "专任教师"
    assert text[qs[0].sentence_start : qs[0].sentence_end] == "学校在校学生670人，专任教师42人。"
    d = analysis_to_dict(analyze(text))["numbers"][1]
    assert (d["noun"], d["clause_start"]) == ("专任教师", text.index("专任教师"))


def test_a_form_field_is_matched_only_to_a_figure_counting_its_noun():
    qs = analyze("在校学生670人，专任教师42人，参加课后服务的学生达650人。").numbers
    assert match_figure(qs, "在校学生数", "人").value == 670
    assert match_figure(qs, "专任教师数", "人").value == 42
    assert match_figure(qs, "参加课后服务教师数", "人") is None
    assert noun_matches("在校学生", "在校学生数")
    assert not noun_matches("专任教师", "在校学生数")

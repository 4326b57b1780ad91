"""Structure a reviewer can trust (issue 19): the heading tree, inherited kinds, the
vocabulary of real reports, run-in and enumerated headings, titles, tables of contents."""

from __future__ import annotations

from reports.analysis import analyze
from reports.analysis.sections import find_headings, find_sections


def _heads(text: str) -> list[tuple[int, str, str]]:
    return [(h.level, h.kind, h.title) for h in find_headings(text)]


def test_a_sub_heading_inherits_its_parents_kind_unless_its_own_title_says_otherwise():
    text = (
        "一、工作措施\n（一）严格作业管理\n作业公示。\n（二）提升课后服务\n每天两小时。\n"
        "二、问题与整改\n（一）存在问题：作业偏多。\n（二）整改措施：年级统筹。\n"
    )
    assert _heads(text) == [
        (1, "work_done", "一、工作措施"),
        (2, "work_done", "（一）严格作业管理"),
        (2, "work_done", "（二）提升课后服务"),
        (1, "problems", "二、问题与整改"),
        (2, "problems", "（一）存在问题"),
        (2, "next_steps", "（二）整改措施"),
    ]
    # the reviewer's structure carries the inherited kinds too
    assert [s.kind for s in find_sections(text)][:3] == ["work_done"] * 3


def test_the_part_titles_real_reports_use_have_their_kind():
    text = (
        "一、作业管理情况\n甲。\n二、整治情况\n乙。\n三、措施经验\n丙。\n四、主要做法\n丁。\n"
        "五、存在的困难\n戊。\n六、整改建议\n己。\n七、努力方向\n庚。\n"
    )
    assert [h.kind for h in find_headings(text)] == [
        "work_done",
        "work_done",
        "work_done",
        "work_done",
        "problems",
        "next_steps",
        "next_steps",
    ]


def test_a_heading_that_lost_its_last_character_keeps_its_kind():
    text = "一、基本情况\n有学生。\n二、工作措\n开展活动。\n三、存在问题\n作业多。"
    assert [h.kind for h in find_headings(text)] == ["overview", "work_done", "problems"]


def test_run_in_ordinal_headings_without_punctuation_are_found_in_sequence():
    text = (
        "我校重点抓了以下工作。第一,强化作业统筹，作业时间减少了20分钟第二,丰富课后服务，"
        "开设社团28个第三,严格校外培训监管，排查机构5家。"
    )
    titles = [h.title for h in find_headings(text)]
    assert titles == ["第一,强化作业统筹", "第二,丰富课后服务", "第三,严格校外培训监管"]


def test_an_ordinal_in_prose_is_no_heading():
    assert find_headings("今年我校在全县质量评比中排名第三,比去年提高两位。") == []


def test_yi_shi_er_shi_enumerations_are_headings_at_whichever_level_they_stand():
    text = (
        "一、主要工作\n（一）抓好作业管理。一是严控总量，不布置书面作业；二是提升质量，"
        "评选优秀作业。\n二、存在问题\n一是经费不足；二是场地不够。"
    )
    got = _heads(text)
    assert (3, "work_done", "一是严控总量") in got
    assert (3, "work_done", "二是提升质量") in got
    assert (2, "problems", "一是经费不足") in got
    assert (2, "problems", "二是场地不够") in got
    # one 一是 with no 二是 is prose, not a list
    assert [h.title for h in find_headings("学校的做法一是值得推广的。")] == []


def test_arabic_items_with_or_without_a_space_are_headings_under_a_chinese_heading():
    text = (
        "一、主要做法\n1、精简会议文件。全年召开会议12次。\n2、规范督查检查。\n"
        "二、存在的不足\n1.部分社会事务仍进校园。\n2. 培训时间偏长。\n"
    )
    got = _heads(text)
    assert got == [
        (1, "work_done", "一、主要做法"),
        (2, "work_done", "1、精简会议文件"),
        (2, "work_done", "2、规范督查检查"),
        (1, "problems", "二、存在的不足"),
        (2, "problems", "1.部分社会事务仍进校园"),
        (2, "problems", "2. 培训时间偏长"),
    ]
    # the reviewer's structure stays the Chinese-numbered parts
    assert [s.title for s in find_sections(text)] == ["一、主要做法", "二、存在的不足"]


def test_a_next_steps_paragraph_is_a_next_steps_heading():
    text = (
        "我校落实减负要求，全校38个班级均建立了作业公示栏。\n"
        "部分教师观念还没有转变。\n"
        "今后，我校将继续加强教师培训。"
    )
    a = analyze(text)
    assert [(s.kind, s.title) for s in a.sections] == [("next_steps", "今后")]
    assert "next_steps" not in a.missing_kinds
    # inside a next-steps part it is no new heading
    text2 = "一、存在问题\n经费不足。\n二、下一步打算\n下一步，我们将争取财政支持。"
    assert [h.title for h in find_headings(text2)] == ["一、存在问题", "二、下一步打算"]


def test_a_sentence_opening_with_the_problems_lead_in_starts_the_problems_part():
    text = "全年开展综合督查2次。存在的问题：一是部分村重留痕；二是工作群布置任务多。"
    got = _heads(text)
    assert got[0] == (1, "problems", "存在的问题")
    assert [k for _, k, _ in got[1:]] == ["problems", "problems"]


def test_a_title_ends_where_the_heading_ends():
    text = (
        "一、课后服务情况本学期学校开设课后服务课程36门，参与学生856人。"
        "二、作业管理情况学校制定了作业管理办法。三、存在问题部分家长认识不到位。"
        "四、整改建议进一步加强家校沟通，每学期召开两次家长会。"
    )
    assert _heads(text) == [
        (1, "work_done", "一、课后服务情况"),
        (1, "work_done", "二、作业管理情况"),
        (1, "problems", "三、存在问题"),
        (1, "next_steps", "四、整改建议"),
    ]


def test_a_run_in_sub_heading_after_its_parent_title_without_punctuation():
    text = "一、工作推进情况(一)课后服务全覆盖。全县推行。(二)作业管理提质。建立制度。"
    assert _heads(text) == [
        (1, "work_done", "一、工作推进情况"),
        (2, "work_done", "(一)课后服务全覆盖"),
        (2, "work_done", "(二)作业管理提质"),
    ]


def test_a_table_of_contents_is_not_structure():
    text = (
        "目  录\n一、基本情况……………………1\n二、存在问题……………………4\n"
        "某校自查报告\n一、基本情况\n学生1450人。\n二、存在问题\n场地不足。"
    )
    got = find_sections(text)
    assert [s.title for s in got] == ["一、基本情况", "二、存在问题"]
    assert got[0].start == text.index("一、基本情况\n学生")

"""Residue a reviewer can trust (issue 19): paywall and download chrome and a repeated
page title are residue, and the other passes ignore what residue covers."""

from __future__ import annotations

from reports.analysis import analyze

PAGE = (
    "小学双减工作自查报告_范文先生网\n"
    "首页 > 工作总结 > 自查报告\n"
    "小学双减工作自查报告\n"
    "发布时间：2023-06-12  浏览：1523次\n"
    "一、基本情况\n"
    "我校现有学生560人，三至六年级书面作业不超过60分钟。\n"
    "登录后查看全文\n"
    "VIP下载  立即下载  收藏  举报\n"
    "小学双减工作自查报告\n"
    "二、存在的问题\n"
    "部分学生参加社团积极性不高。\n"
    "第1页 / 共5页\n"
    "还剩2页未读，继续阅读\n"
)


def test_paywall_download_and_pager_chrome_is_residue():
    got = [r.text for r in analyze(PAGE).residue]
    for chrome in (
        "小学双减工作自查报告_范文先生网",
        "首页 > 工作总结 > 自查报告",
        "登录后查看全文",
        "VIP下载  立即下载  收藏  举报",
        "第1页 / 共5页",
        "还剩2页未读，继续阅读",
    ):
        assert any(chrome in g for g in got), chrome


def test_a_repeated_page_title_is_residue_after_its_first_occurrence():
    a = analyze(PAGE)
    first = PAGE.index("小学双减工作自查报告\n")
    repeat = PAGE.index("小学双减工作自查报告\n二")
    spans = [(r.start, r.end) for r in a.residue]
    assert not any(s <= first < e for s, e in spans)
    assert any(s <= repeat < e for s, e in spans)
    # headings stand more than once in a report pasted twice: they are not residue
    twice = "一、基本情况\n有学生。\n二、存在的问题\n无。\n" * 2
    assert analyze(twice).residue == []


def test_numbers_blanks_and_summary_ignore_residue():
    a = analyze(PAGE)
    assert [q.text for q in a.numbers] == ["560人", "60分钟"]
    assert "_" not in [p.text for p in a.placeholders]
    assert all("范文" not in s and "浏览" not in s for s in a.summary)


def test_the_topic_score_ignores_residue():
    body = "我镇召开水利工作会议，完成水库除险加固12座，治理水土流失45平方公里。"
    chrome = "\n".join(["学校双减课后服务作业管理自查报告 - 道客巴巴"] * 3)
    with_chrome = analyze(chrome + "\n" + body)
    without = analyze(body)
    assert with_chrome.topic.score == without.topic.score

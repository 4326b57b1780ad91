from __future__ import annotations

import pytest

from reports.analysis import analyze, fold
from reports.analysis.residue import find_residue
from reports.analysis.signals import find_signals
from tests.corpus import corpus_slice
from tests.fixtures import fixture_text


def _res(text: str) -> list[str]:
    return [r.text for r in find_residue(text, fold(text))]


def _sig(text: str) -> list[str]:
    return [s.text for s in find_signals(text, fold(text))]


def test_it_finds_a_template_sites_header_footer_and_editor_lines_but_not_the_report():
    text = fixture_text("web_residue")
    found = _res(text)
    assert found == [
        "学校双减工作总结范文(精选6篇)",
        "时间:2024-03-02 09:15:27 作者:书香门第",
        "下面是小编为大家整理的学校双减工作总结,供大家参考。",
        "本文由会员分享,请在百度搜索更多",
        "相关范文推荐",
        "猜您喜欢",
    ]
    for r in analyze(text).residue:
        assert text[r.start : r.end] == r.text


def test_it_finds_web_residue_at_corpus_line_60(corpus_available):
    text = corpus_slice("000", 32, 60)
    assert _res(text)[-1] == "——语文减负工作总结3篇"
    r = analyze(text).residue[-1]
    assert text[r.start : r.end] == r.text


def test_it_finds_site_header_and_footer_in_corpus_001(corpus_available):
    head = _res(corpus_slice("001", 1, 5))
    assert head[0] == "落实双减政策情况总结大全(17篇)"
    assert head[1].startswith("时间:2023-11-19 10:36:03 作者:飞雪")
    assert _res(corpus_slice("001", 675, 678)) == ["相关范文推荐", "猜您喜欢", "热门推荐"]
    assert _res(corpus_slice("003", 118, 118))[0].startswith("本DOCX文档由")


@pytest.mark.parametrize(
    "line",
    [
        "本文由会员分享，请在百度搜索更多",
        "下面是小编为大家整理的，供大家参考。",
        "精选5篇双减工作总结",
        "发布时间：2023-05-01",
        "作者：张三  时间：2023-05-01",
        "点击这里查看全文",
        "免费下载本文档",
        "文章来源：某某范文网",
    ],
)
def test_it_flags_residue_lines(line: str) -> None:
    text = f"我校落实双减。\n{line}\n下一步继续努力。"
    assert _res(text) == [line]


def test_it_keeps_report_sentences_that_only_resemble_residue():
    assert _res("网络、媒体课件仅供参考，不得照搬。我校认真总结经验。") == []
    assert _res("现将我校双减工作总结如下：") == []


def test_it_reports_only_the_sentence_in_a_long_line():
    body = "我校认真落实双减政策。" * 20
    text = body + "下面是小编为大家整理的范文。" + body
    assert _res(text) == ["下面是小编为大家整理的范文。"]


@pytest.mark.parametrize(
    "text",
    [
        "为迎接检查，学校组织教师整理台账资料，制作展板。",
        "要求教师每天在群里打卡并截图上传。",
        "县里抽调我校3名教师参与创文工作。",
        "要求家长下载APP，下载率达到100%。",
    ],
)
def test_it_flags_burden_signals(text: str) -> None:
    assert _sig(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "不得以留痕代替实际工作。",
        "杜绝各类截图打卡。",
        "严禁要求教师点赞投票。",
        "及时清退抽调借用教师20人。",
        "改变督查检查考核过多过频过度留痕现象。",
        "取消迎检台账。",
    ],
)
def test_it_ignores_negated_burden_mentions(text: str) -> None:
    assert _sig(text) == []


def test_teacher_plan_in_corpus_states_policy_not_formalism(corpus_available):
    # 003 lines 26-70 forbid screenshots, likes, app downloads: no signal may come from it
    assert analyze(corpus_slice("003", 26, 70), topic="teacher").burden_signals == []


def test_checklist_for_shuangjian_follows_the_five_managements(corpus_available):
    a = analyze(corpus_slice("001", 415, 475))
    got = {c.code: c.mentioned for c in a.checklist}
    assert got["phone"] is True  # spun as 号码管理
    assert got["sleep"] and got["reading"] and got["homework"] and got["physical"]
    assert [c.code for c in a.checklist][:3] == ["homework", "after_school", "phone"]


def test_checklist_codes_depend_on_topic():
    codes = [c.code for c in analyze("教师减负", topic="teacher").checklist]
    assert "secondment" in codes and "homework" not in codes
    a = analyze("精简文件，减少会议。", topic="grassroots")
    got = {c.code: c.mentioned for c in a.checklist}
    assert got["documents_meetings"] is True
    assert got["inspections"] is False


def test_summary_problems_and_measures_of_corpus_document_000_1(corpus_available):
    a = analyze(corpus_slice("000", 1, 12))
    assert len(a.problems) == 2
    assert a.problems[0].startswith("纸质公文文件的印发还比较多")
    assert len(a.measures) == 2
    assert a.measures[1].startswith("加强会议的统筹整合")
    assert 1 <= len(a.summary) <= 5
    assert any("15%" in s for s in a.summary)
    assert a.problems[0] in a.summary


def test_measures_split_by_yi_shi_er_shi():
    a = analyze("一、存在问题\n作业偏多。\n二、下一步打算\n一是减少作业；二是丰富课后服务。")
    assert a.measures == ["减少作业", "丰富课后服务"]
    assert a.problems == ["作业偏多"]

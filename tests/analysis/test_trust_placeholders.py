"""Blanks a reviewer can trust (issue 19): every mask shape, real terms left alone, and
figures left out (缺数字) found without flagging 多次 / 各项 / 此次."""

from __future__ import annotations

from reports.analysis import analysis_to_dict, analyze


def _masks(text: str) -> list[str]:
    return [p.text for p in analyze(text).placeholders]


def _gaps(text: str) -> list[str]:
    return [g.text for g in analyze(text).gaps]


def test_every_mask_shape_is_a_placeholder():
    text = (
        "x县教育局根据x市通知（x教〔*〕号），开展202x年度自查。某某科室牵头，"
        "印发文件＿＿件，减少【】%，XX小学、××中学参加，20xx年完成。"
    )
    assert _masks(text) == ["x", "x", "x", "*", "202x", "某某", "＿＿", "【】", "XX", "××", "20xx"]


def test_programme_names_and_plain_words_are_not_masks():
    text = "推行1+x作业模式，课后服务5+2，部分学校6+2；某校某些班级用Excel统计3x3篮球。"
    assert _masks(text) == []


def test_a_measure_word_with_its_number_left_out_is_a_gap():
    text = (
        "学校共开展了次专项检查，制定了项整改措施，共有名教师参与，"
        "累计发放调查问卷份，收回有效问卷份。"
    )
    assert _gaps(text) == ["了次", "了项", "有名", "卷份", "卷份"]
    d = analysis_to_dict(analyze(text))
    at = text.index("了次")
    assert d["gaps"][0] == {"text": "了次", "start": at, "end": at + 2}


def test_words_built_on_measure_words_are_not_gaps():
    text = (
        "多次出现抽调现象，每次时长1小时，本次检查、此次整改、该项工作、各项要求均逐项落实，"
        "开展了项目化学习，提升了个人能力，召开了家长会，取消了所有评比，"
        "减少了检查次数，开展名教师评选，实行了条、块结合，出动车辆120台次。"
    )
    assert _gaps(text) == []

"""Topic and genre agreement with the hand inventory (index.json)."""

from __future__ import annotations

from collections import Counter

import pytest

from reports.analysis import analyze, fold
from reports.analysis.topic import detect_genre, domain_weights, score_topic
from tests.corpus import corpus_documents, corpus_slice
from tests.fixtures import fixture_text

PRESET_OF = {"student": "shuangjian", "teacher": "teacher", "grassroots": "grassroots"}
GENRE_OF = {"notice": "other", "fragment": "other", "residue": "other"}
TOPIC_MIN_ACCURACY = 0.97  # measured 0.978 (135/138) on 46 documents x 3 presets (paragraph share)
GENRE_MIN_ACCURACY = 0.85  # measured 0.935 (43/46)


def test_topic_agrees_with_index_json_for_all_presets(corpus_available):
    confusion: Counter[tuple[str, bool, bool]] = Counter()
    for doc, text in corpus_documents():
        folded = fold(text)
        weights = domain_weights(folded)
        for preset in ("shuangjian", "teacher", "grassroots"):
            expected_on = PRESET_OF.get(doc["topic"]) == preset
            got_on = not score_topic(folded, preset, weights).off_topic
            confusion[(preset, expected_on, got_on)] += 1
    total = sum(confusion.values())
    agree = sum(n for (_, exp, got), n in confusion.items() if exp == got)
    print("\ntopic confusion (preset, expected_on, got_on): count")
    for key in sorted(confusion):
        print(f"  {key}: {confusion[key]}")
    print(f"topic accuracy {agree}/{total} = {agree / total:.3f}")
    assert agree / total >= TOPIC_MIN_ACCURACY


def test_genre_agrees_with_index_json(corpus_available):
    confusion: Counter[tuple[str, str]] = Counter()
    for doc, text in corpus_documents():
        expected = GENRE_OF.get(doc["genre"], doc["genre"])
        confusion[(expected, analyze(text).genre)] += 1
    total = sum(confusion.values())
    agree = sum(n for (exp, got), n in confusion.items() if exp == got)
    print("\ngenre confusion (expected, got): count")
    for key in sorted(confusion):
        print(f"  {key}: {confusion[key]}")
    print(f"genre accuracy {agree}/{total} = {agree / total:.3f}")
    assert agree / total >= GENRE_MIN_ACCURACY


def test_every_school_shuangjian_report_is_on_topic(corpus_available):
    for doc, text in corpus_documents():
        if doc["topic"] == "student" and doc["genre"] == "report":
            t = analyze(text, topic="shuangjian").topic
            assert not t.off_topic, (doc["lines"], t)
            assert t.score >= 0.5


def test_a_water_conservancy_speech_is_off_topic_for_every_preset_and_not_a_report():
    text = fixture_text("off_topic_water")
    for preset in ("shuangjian", "teacher", "grassroots"):
        t = analyze(text, topic=preset).topic
        assert t.code == preset
        assert t.off_topic is True
        assert t.score < 0.1
    assert analyze(text).genre == "speech"


def test_the_report_fixtures_are_on_topic_for_shuangjian():
    for name in ("masked_report", "inline_headings", "copy_source", "template_copied"):
        assert not analyze(fixture_text(name), topic="shuangjian").topic.off_topic, name


def test_water_conservancy_documents_are_off_topic_for_shuangjian(corpus_available):
    for first, last in ((569, 603), (605, 625), (627, 673)):
        t = analyze(corpus_slice("001", first, last)).topic
        assert t.code == "shuangjian"
        assert t.off_topic is True
        assert t.score < 0.1


def test_a_discipline_inspection_essay_is_off_topic_for_shuangjian():
    essay = (
        "纪检监察机关要坚持以习近平新时代中国特色社会主义思想为指导，深入推进全面从严治党，"
        "严明政治纪律和政治规矩，加强对权力运行的制约和监督，一体推进不敢腐、不能腐、不想腐，"
        "持续纠治四风，驰而不息改进作风，坚决查处群众身边的腐败问题和不正之风。"
    )
    t = analyze(essay).topic
    assert t.off_topic is True


def test_teacher_report_is_on_topic_for_teacher_only(corpus_available):
    text = corpus_slice("003", 1, 25)
    assert not analyze(text, topic="teacher").topic.off_topic
    assert analyze(text, topic="shuangjian").topic.off_topic
    assert analyze(text, topic="grassroots").topic.off_topic


def test_genre_rules_on_small_texts():
    assert (
        detect_genre(
            fold("同志们：今天召开全县工作会议，我讲三点意见。一要提高认识，二要狠抓落实。")
        )
        == "speech"
    )
    assert (
        detect_genre(fold("作为一名教师，我觉得减负很重要。我认为课堂是关键，我相信学生会更快乐。"))
        == "reflection"
    )
    assert (
        detect_genre(fold("一、指导思想\n二、工作目标\n三、实施步骤\n四、保障措施\n特制定本方案。"))
        == "plan"
    )
    assert (
        detect_genre(
            fold("现将我校双减工作自查情况报告如下：一、自查情况。二、存在的问题。三、下一步。")
        )
        == "report"
    )
    assert detect_genre(fold("")) == "other"


HALF_RELEVANT_SPEECH = "\n".join(
    [
        "同志们：今天我们召开全县义务教育优质均衡发展督导评估迎检工作推进会。",
        "近年来，全县累计投入教育经费三点二亿元，新建改扩建校舍十二万平方米，薄弱学校办学条件明显改善。",
        "要继续推进标准化建设，优化城乡教育资源配置，落实教师交流轮岗制度。",
        "要压实控辍保学责任，确保适龄儿童少年不因贫失学辍学，营养改善计划覆盖全部农村学校。",
        "同时，各校要落实“双减”要求，严控书面作业总量，提升课后服务水平。",
        "要抓好学生睡眠、手机、读物、体质管理，保障学生每天校内体育活动时间。",
        "要规范校外培训，防止学科类培训机构违规开展培训，切实减轻学生课业负担。",
    ]
)


def test_a_half_relevant_speech_shows_its_share_and_names_the_other_paragraphs():
    t = analyze(HALF_RELEVANT_SPEECH, topic="shuangjian").topic
    assert (t.paragraphs_on, t.paragraphs_off) == (3, 4)
    assert t.score == pytest.approx(0.43, abs=0.01) and t.off_topic
    assert [p["domain"] for p in t.off_paragraphs] == ["balance"] * 4
    assert t.off_paragraphs[1]["text"].startswith("近年来，全县累计投入教育经费")
    start, end = t.off_paragraphs[1]["start"], t.off_paragraphs[1]["end"]
    assert HALF_RELEVANT_SPEECH[start:end].endswith("办学条件明显改善。")


def test_a_teacher_burden_report_in_teachers_words_is_on_topic_for_the_teacher_preset():
    text = (
        "一、基本情况\n以前老师们反映填表多、材料多，与教学无关的事务占去了大量时间。\n"
        "二、主要做法\n学校对照教师减负清单，取消了三项迎检材料，非教学任务由行政人员承担。\n"
        "三、存在问题\n个别部门仍通过工作群要求教师填报表格。"
    )
    t = analyze(text, topic="teacher").topic
    assert not t.off_topic and t.score == 1.0
    assert analyze(text, topic="shuangjian").topic.off_topic

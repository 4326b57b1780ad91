from __future__ import annotations

import pytest

from reports.analysis import analyze, fold
from reports.analysis.placeholders import find_placeholders
from tests.corpus import corpus_slice
from tests.fixtures import fixture_text


def _ph(text: str) -> list[str]:
    return [p.text for p in find_placeholders(text, fold(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("现将20xx年工作总结如下", ["20xx"]),
        ("XX县教体局", ["XX"]),
        ("截至xx月xx日", ["xx", "xx"]),
        ("经过X个月整治", ["X"]),
        ("开展x次检查", ["x"]),
        ("××学校", ["××"]),
        ("学**惯", ["**"]),
        ("参与率*.*%", ["*.*"]),
        ("教师的教育工作水*和能力", ["*"]),
        ("签名：______", ["______"]),
        ("20_年", ["20_"]),
        ("落实双减政策的总结【】", ["【】"]),
        ("是{}新时代", ["{}"]),
        ("组长:\n副组长:\n成员:", ["组长:", "副组长:", "成员:"]),
        ("组  长：", ["组  长："]),
    ],
)
def test_it_flags_placeholders(text: str, expected: list[str]) -> None:
    assert _ph(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "学校采用“1+x”课后托管模式",
        "实施“5+2”课后服务",
        "积极实施“6+2”课后服务延时模式",
        "3x3篮球赛",
        "用Excel和WPS统计",
        "Xbox和xxxHub",
        "组长：张三",
        "课后服务对象：放学后无人照料的学生",
        "file_name",
    ],
)
def test_it_does_not_flag_real_terms_as_placeholders(text: str) -> None:
    assert _ph(text) == []


def test_it_does_not_flag_1_plus_x_as_placeholder():
    assert _ph("依托“1+x”托管模式，达到了1+x2的效果") == []


def test_it_finds_every_mask_of_a_masked_report():
    text = fixture_text("masked_report")
    found = [p.text for p in analyze(text).placeholders]
    assert found == ["××", "20xx", "****", "20xx", "**", "**", "*.*"]
    assert "学**惯" in text and "参与率*.*%" in text
    for p in analyze(text).placeholders:
        assert text[p.start : p.end] == p.text


def test_1_plus_x_and_5_plus_2_in_a_report_are_not_placeholders_but_20xx_is():
    assert [p.text for p in analyze(fixture_text("terms_and_numbers")).placeholders] == ["20xx"]


def test_it_finds_masks_in_corpus_document_000_1(corpus_available):
    text = corpus_slice("000", 1, 12)
    found = [p.text for p in analyze(text).placeholders]
    assert "****" in found
    assert found.count("20xx") == 4
    assert all(text.count(t) for t in found)


def test_it_finds_empty_leader_labels_in_corpus_plan(corpus_available):
    text = corpus_slice("001", 119, 165)
    found = [p.text for p in analyze(text).placeholders]
    assert found[:3] == ["组长:", "副组长:", "成员:"]


def test_placeholder_spans_match_text():
    text = "（一）XX小学\n组长：\n参与率*.*%，经过X个月"
    for p in analyze(text).placeholders:
        assert text[p.start : p.end] == p.text

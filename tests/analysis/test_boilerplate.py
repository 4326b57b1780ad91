"""Quoting policy documents is not copying: the phrase library and the copy rule that needs
a sentence's worth of other text."""

from reports.analysis.boilerplate import (
    MIN_OWN_CHARS,
    PhraseLibrary,
    default_library,
    drop_boilerplate,
    own_share,
)
from reports.analysis.copies import CopyIndex, normalise

# 25 characters of stock phrase, then each school's own 90 characters: one 115-character
# sentence each. The stock clause and the words after it are the same in both.
STOCK = "为深入贯彻落实习近平总书记关于教育的重要指示精神，全面落实“双减”政策，"
OWN_A = (
    "我校结合山区寄宿制学校的实际情况，由德育处牵头重新梳理了住校生晚自习和周末返校的"
    "作息安排，并把课后服务的社团课程延伸到晚饭后的一个小时，让住校生有事可做。"
)
OWN_B = (
    "城关二小围绕作业设计这一关键环节，组织语文、数学、英语三个教研组开展了为期一个月的"
    "同课异构和作业案例评比活动，评出优秀作业案例十二份并汇编成册，供全县交流使用。"
)


def test_the_library_carries_a_source_for_every_phrase():
    library = default_library()
    assert len(library.entries) >= 40
    assert all(phrase and source for phrase, source in library.entries)
    assert (
        "为深入贯彻落实…重要指示精神",
        "习近平总书记重要指示的通行引语（各级文件开头）",
    ) in library.entries


def test_a_stock_phrase_inside_a_115_character_sentence_is_not_a_copy():
    a, b = STOCK + OWN_A, STOCK + OWN_B
    assert (
        110 <= len(a) <= 120
        and len(normalise("为深入贯彻落实习近平总书记关于教育的重要指示精神")) == 24
    )
    index = CopyIndex()
    index.add("county-b", b)
    raw = index.query(a)
    assert raw, "the shared clause is found by the index (the case to filter)"
    assert drop_boilerplate(a, raw) == []
    assert own_share(a, raw) == 0.0


def test_a_copied_sentence_that_quotes_the_stock_phrase_is_still_a_copy():
    a, b = STOCK + OWN_A, STOCK + OWN_A.replace("我校", "本校")
    index = CopyIndex()
    index.add("other", b)
    kept = drop_boilerplate(a, index.query(a))
    assert kept and kept[0].end - kept[0].start >= 100
    assert 0.6 <= own_share(a, kept) < 0.75  # the stock phrase is not counted as copied


def test_a_gap_in_an_entry_stands_for_any_short_wording():
    library = PhraseLibrary.parse(["为深入贯彻落实……重要指示精神\t测试"])
    text = "为深入贯彻落实省委省政府关于双减工作的重要指示精神，" + OWN_A
    index = CopyIndex()
    index.add("other", "为深入贯彻落实省委省政府关于双减工作的重要指示精神，全面推进。" + OWN_B)
    raw = index.query(text)
    assert drop_boilerplate(text, raw, library) == []
    assert MIN_OWN_CHARS == 20

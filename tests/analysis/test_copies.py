from __future__ import annotations

import random

import numpy as np

from reports.analysis.copies import (
    MIN_NORM_CHARS,
    PER_KEY,
    WINDOW,
    CopyIndex,
    CopyMatch,
    K,
    aligned_similarity,
    context_keys,
    copied_share,
    first_places,
    index_rows,
    normalise,
    similarity,
    split_passages,
    winnow,
)
from reports.analysis.fingerprints import _window_minima
from tests.corpus import corpus_slice
from tests.fixtures import fixture_text

PARA = "学校成立双减工作领导小组，统筹推进学校双减工作全面、高效、有序进行，认真做好教师思想工作。"


def test_normalise_drops_punctuation_digits_masks_and_folds_width():
    assert normalise("Ａ班：作业**控制在30分钟，ＱＱ群！") == "a班作业控制在分钟qq群"


def test_split_passages_gives_paragraphs_and_sentences_with_offsets():
    text = "短句。\n" + PARA + "学生作业总量明显减少，家长满意度明显提高，课后服务覆盖全体学生。\n"
    ps = split_passages(text)
    assert [p.kind for p in ps] == ["paragraph", "sentence", "sentence"]
    for p in ps:
        assert len(p.norm) >= MIN_NORM_CHARS
        assert normalise(text[p.start : p.end]) == p.norm


def test_winnow_keys_are_stable_signed_int64_and_point_into_the_original_text():
    text = "一、基本情况\n" + PARA
    fps = winnow(text)
    assert len(fps) > 0
    assert all(-(2**63) <= k < 2**63 for k in fps.keys)
    assert fps.keys[:2] == [6017952473153396571, 3388176643930393212]  # pinned: stored keys
    for start, end in zip(fps.starts, fps.ends, strict=True):
        assert len(normalise(text[start:end])) == K
        assert normalise(text[start]) != ""
    assert winnow(text).keys == fps.keys


def test_every_shared_run_of_k_plus_window_chars_yields_a_common_fingerprint():
    rng = random.Random(3)
    words = PARA + "作业总量时长课后服务家长满意度睡眠手机读物体质"
    pool = "".join(sorted(set(normalise(words))))
    for _ in range(200):
        shared = "".join(rng.choices(pool, k=K + WINDOW - 1))
        a = "".join(rng.choices(pool, k=rng.randint(0, 40))) + shared + "。"
        b = "，".join(["".join(rng.choices(pool, k=rng.randint(0, 40))), shared, "完"])
        assert set(winnow(a).keys) & set(winnow(b).keys), shared


def test_the_syncmer_order_keeps_fewer_grams_than_a_random_order_would():
    """Every kept gram is a row PostgreSQL indexes: the order is what the indexing rate
    rests on. A random order keeps about 2 / (WINDOW + 1) of the grams (~0.113 of the
    characters of 50-character lines); the open-syncmer order ~0.100."""
    rng = random.Random(1)
    ideographs = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    text = "\n".join("".join(rng.choices(ideographs, k=50)) for _ in range(1000))
    assert len(winnow(text)) < 0.106 * len(normalise(text))


def test_digits_masks_and_punctuation_do_not_change_fingerprints():
    masked = "学校成立**工作领导小组，共12人；统筹推进学校双减工作全面、高效、有序进行。"
    plain = "学校成立工作领导小组共人统筹推进学校双减工作全面高效有序进行"
    assert winnow(masked).keys == winnow(plain).keys


def test_headings_and_line_breaks_give_no_fingerprints():
    assert winnow("二、存在的问题\n三、下步打算\n四、其他需要说明的情况").keys == []
    fps = winnow("一、基本情况\n" + PARA)
    assert all(start > len("一、基本情况") for start in fps.starts)


def test_winnowing_keeps_the_leftmost_minimum_of_every_window_ties_included():
    rng = np.random.default_rng(5)
    for n in (1, 5, 13, 14, 40, 300):
        for top in (3, 1000, 2**63):  # few distinct values: many ties within a window
            values = rng.integers(0, top, n, dtype=np.uint64)
            width = min(WINDOW, n)
            scan = {i + int(np.argmin(values[i : i + width])) for i in range(n - width + 1)}
            assert _window_minima(values, width).tolist() == sorted(scan), (n, top)


def test_a_repeated_gram_is_stored_once():
    assert len(index_rows(winnow("啊" * 50_000))) == 1
    assert winnow("短").keys == []


def test_similarity_uses_containment_of_the_first_passage_in_the_second():
    short = normalise(PARA)
    long = normalise(
        "今年以来我校高度重视。" + PARA + "取得良好成效，得到家长一致好评和社会广泛认可。"
    )
    j, c = similarity(short, long)
    assert c == 1.0
    assert j < 0.8
    assert similarity(long, short)[1] < 0.8


def test_copy_index_finds_a_pasted_paragraph_with_source_offsets():
    src = "引言部分文字内容较长一些以免被跳过。\n" + PARA + "\n结尾。"
    idx = CopyIndex()
    idx.add("school-a", src)
    query = "我校的报告。\n" + PARA.replace("高效", "快速") + "\n"
    matches = idx.query(query, exclude_source="school-b")
    assert len(matches) == 1
    m = matches[0]
    assert m.source == "school-a"
    assert src[m.source_start : m.source_end] == PARA
    assert query[m.start : m.end] == PARA.replace("高效", "快速")
    assert m.similarity >= 0.8
    assert idx.query(query, exclude_source="school-a") == []


def test_copy_index_ignores_unrelated_text():
    idx = CopyIndex()
    idx.add("a", PARA)
    assert idx.query("水利改革发展需要营造良好环境，要强化组织领导，形成工作有人管的格局。") == []


def test_a_template_shared_by_many_schools_still_names_a_source():
    idx = CopyIndex()
    for i in range(300):
        idx.add(f"school-{i}", f"第{i}号学校报告。\n" + PARA + "\n")
    matches = idx.query("我校的报告。\n" + PARA, exclude_source="school-0")
    assert [(m.source, m.similarity) for m in matches] == [("school-1", 1.0)]


def test_a_long_paragraph_containing_a_short_source_is_matched_by_its_sentence_only():
    idx = CopyIndex()
    idx.add("src", PARA)
    own = "我校家长学校每学期开展家庭教育讲座不少于两次，覆盖全体学生家长。"
    query = own + PARA
    matches = idx.query(query)
    assert [(query[m.start : m.end], m.source) for m in matches] == [(PARA, "src")]


def test_copied_share_counts_covered_characters_once():
    text = "x" * 100
    ms = [CopyMatch(0, 50, "a", 0, 50, 1.0), CopyMatch(25, 75, "b", 0, 50, 1.0)]
    assert copied_share(text, ms) == 0.75
    assert copied_share("", []) == 0.0


def test_a_paragraph_copied_with_small_edits_is_found_in_another_schools_report():
    source, copy = fixture_text("copy_source"), fixture_text("copy_with_edits")
    idx = CopyIndex()
    idx.add("school-a", source)
    matches = idx.query(copy, exclude_source="school-b")
    assert [m.source for m in matches] == ["school-a"]
    [m] = matches
    assert copy[m.start : m.end].startswith("作业是课堂教学的延伸")
    assert source[m.source_start : m.source_end].startswith("作业是课堂教学的延伸")
    assert 0.8 <= m.similarity < 1.0  # 精选习题 became 精心选题
    assert 0 < copied_share(copy, matches) < 0.5  # the school's own paragraphs are not copies


def test_a_school_text_taken_from_a_template_is_traced_paragraph_by_paragraph():
    template, school = fixture_text("template"), fixture_text("template_copied")
    idx = CopyIndex()
    idx.add("reference", template)
    matches = idx.query(school)
    assert {m.source for m in matches} == {"reference"}
    assert all(m.similarity == 1.0 for m in matches)
    copied = {school[m.start : m.end] for m in matches}
    assert any(p.startswith("一、统一思想,提高认识") for p in copied)
    assert not any("九十分钟" in p for p in copied)  # the item the school rewrote
    assert copied_share(school, matches) > 0.5


def test_known_corpus_copy_lines_29_31_repeat_at_156_158(corpus_available):
    idx = CopyIndex()
    idx.add("000:13-31", corpus_slice("000", 13, 31))
    query = corpus_slice("000", 155, 158)
    matches = idx.query(query, exclude_source="000:155-158")
    src = corpus_slice("000", 13, 31)
    got = {query[m.start : m.end] for m in matches if m.source == "000:13-31"}
    for line in range(156, 159):
        assert corpus_slice("000", line, line) in got
    for m in matches:
        assert m.similarity == 1.0
        assert normalise(src[m.source_start : m.source_end]) == normalise(query[m.start : m.end])


def test_known_corpus_unmasked_copy_at_line_245(corpus_available):
    idx = CopyIndex()
    idx.add("000:1-12", corpus_slice("000", 1, 12))
    query = corpus_slice("000", 242, 247)
    matches = [m for m in idx.query(query) if m.source == "000:1-12"]
    assert len(matches) >= 5
    line245_start = query.index("按照《关于报送基层减负工作自查情况的通知》")
    assert all(m.start >= line245_start for m in matches)
    assert copied_share(query, matches) > 0.15


def test_known_corpus_copy_between_county_and_school_in_001(corpus_available):
    idx = CopyIndex()
    idx.add("county", corpus_slice("001", 197, 207))
    query = corpus_slice("001", 477, 545)
    matches = idx.query(query)
    assert {m.source for m in matches} == {"county"}
    line489 = corpus_slice("001", 489, 489)
    assert any(query[m.start : m.end] == line489 and m.similarity == 1.0 for m in matches)


def test_shared_intro_written_as_one_long_sentence_is_found(corpus_available):
    idx = CopyIndex()
    idx.add("summary", corpus_slice("001", 279, 323))
    matches = idx.query(corpus_slice("001", 325, 357))
    assert matches and {m.source for m in matches} == {"summary"}


# -- edited copies (issue 19): aligned passages, crowded phrases -------------------------

SHORT = "学校组织青年教师成立作业设计工作坊，每两周集中研讨一次分层作业的设计。"
CLAUSE = "由教研组长轮流主持并记录在案，"


def test_a_clause_inserted_into_a_short_paragraph_does_not_hide_the_copy():
    idx = CopyIndex()
    idx.add("src", "引言部分文字内容较长一些以免被跳过。\n" + SHORT + "\n")
    cut = SHORT.index("每两周")
    edited = SHORT[:cut] + CLAUSE + SHORT[cut:]
    query = "我校的报告。\n" + edited + "\n"
    [m] = idx.query(query)
    assert (m.source, query[m.start : m.end]) == ("src", edited)
    assert m.similarity >= 0.8


def test_aligned_similarity_survives_a_swapped_word_and_an_insertion_but_not_a_quote():
    source = normalise(SHORT)
    swapped = normalise(SHORT.replace("组织", "安排").replace("设计", "编制", 1))
    assert aligned_similarity(swapped, source) >= 0.8
    inserted = normalise(SHORT[:10] + CLAUSE + SHORT[10:])
    assert aligned_similarity(inserted, source) >= 0.8
    # A long sentence of its own that merely quotes a clause of the source is no copy.
    quoting = normalise("今年以来我校认真总结经验，" + SHORT[:24] + "，同时加强家校沟通，" * 3)
    assert aligned_similarity(quoting, source) == 0.0
    # Less than a sentence's worth in common is chance, however short the passage.
    assert aligned_similarity(normalise(SHORT[:18]), source) == 0.0


STOCK = "全面贯彻党的教育方针落实立德树人根本任务切实减轻学生过重作业负担和校外培训负担"


def test_a_phrase_many_reports_open_with_does_not_crowd_out_the_true_source():
    idx = CopyIndex()
    for i in range(PER_KEY + 1):  # the first texts to use the phrase hold its keys
        idx.add(f"early-{i}", f"第{i}号学校报告。\n{STOCK}，第{i}校另有安排。\n")
    own = "我校本学期共开设课后服务课程二十三门覆盖全体学生"
    idx.add("src", f"报告。\n{STOCK}，{own}。\n")
    edited = own.replace("二十三门", "三十门")
    query = f"我校的报告。\n{STOCK}，{edited}。\n"
    assert {m.source for m in idx.query(query)} == {"src"}


def test_a_crowded_key_is_stored_as_its_context_and_a_crowded_context_not_at_all():
    fps = winnow("学校组织青年教师成立作业设计工作坊，每两周研讨一次，本学期共汇编校本作业十二册。")
    contexts = context_keys(fps)
    crowded = {fps.keys[0]: [("x", 0)] * PER_KEY}
    stored = first_places(fps, crowded)
    assert fps.keys[0] not in stored and contexts[0] in stored
    stored = first_places(fps, {**crowded, contexts[0]: [("y", 0)] * PER_KEY})
    assert fps.keys[0] not in stored and contexts[0] not in stored
    assert set(fps.keys[1:]) <= set(stored)

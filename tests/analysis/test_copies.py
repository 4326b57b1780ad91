from __future__ import annotations

import numpy as np

from reports.analysis.copies import (
    MIN_NORM_CHARS,
    CopyIndex,
    CopyMatch,
    band_keys,
    copied_share,
    exact_hash,
    fingerprint,
    minhash,
    normalise,
    similarity,
    split_passages,
)

from ._corpus import corpus_slice

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


def test_exact_hash_is_stable_signed_int64():
    h = exact_hash("学校成立双减工作领导小组")
    assert h == exact_hash("学校成立双减工作领导小组")
    assert -(2**63) <= h < 2**63
    assert h == -8424408095195307111  # pinned: stored hashes must never change


def test_minhash_and_band_keys_are_deterministic():
    sig = minhash(normalise(PARA))
    assert sig.shape == (64,) and sig.dtype == np.uint32
    keys = band_keys(sig)
    assert len(keys) == 16 and all(-(2**63) <= k < 2**63 for k in keys)
    assert keys == band_keys(minhash(normalise(PARA)))
    near = minhash(normalise(PARA.replace("高效", "快速")))
    assert (sig == near).mean() > 0.6


def test_fingerprint_matches_split_passages():
    text = PARA + "\n" + PARA
    fps = fingerprint(text)
    assert len(fps) == 2
    assert fps[0].exact == fps[1].exact
    assert fps[0].bands == fps[1].bands
    assert fps[0].norm_len == len(normalise(PARA))


def test_similarity_uses_containment_of_the_shorter_passage():
    short = normalise(PARA)
    long = normalise(
        "今年以来我校高度重视。" + PARA + "取得良好成效，得到家长一致好评和社会广泛认可。"
    )
    j, c = similarity(short, long)
    assert c == 1.0
    assert j < 0.8


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


def test_copied_share_counts_covered_characters_once():
    text = "x" * 100
    ms = [CopyMatch(0, 50, "a", 0, 50, 1.0), CopyMatch(25, 75, "b", 0, 50, 1.0)]
    assert copied_share(text, ms) == 0.75
    assert copied_share("", []) == 0.0


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

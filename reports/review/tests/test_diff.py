"""The resubmission diff for prose: sentences aligned, a changed sentence shown whole (old
above new) with word marks, punctuation-only changes folded, indicators by label and unit."""

from reports.review.diff import char_diff, indicator_changes, prose_diff


def test_a_rewritten_sentence_is_shown_whole_old_above_new_with_word_marks():
    diff = prose_diff(
        "学校开展作业设计培训。课后服务每周五天。",
        "学校开展分层作业设计培训。课后服务每周五天。",
    )
    [change] = diff.shown
    assert change.kind == "changed"
    assert str(change.old) == "学校开展作业设计培训。"
    assert str(change.new) == "学校开展<ins>分层</ins>作业设计培训。"
    assert diff.unchanged == 1


def test_two_rewritten_paragraphs_are_never_interleaved_character_by_character():
    old = "平均衡宣传工作已经完成。"
    new = "开完成时间由上学以来逐步提前。"
    diff = prose_diff(old, new)
    kinds = [c.kind for c in diff.shown]
    assert kinds == ["removed", "added"]
    assert str(diff.shown[0].old) == old and str(diff.shown[1].new) == new


def test_marks_are_whole_words_not_characters():
    diff = prose_diff("每周开展一次教研活动。", "每周开展两次教研活动。")
    [change] = diff.shown
    assert "<del>一次</del>" in str(change.old) and "<ins>两次</ins>" in str(change.new)


def test_a_punctuation_or_whitespace_only_change_is_folded_away():
    diff = prose_diff("学校，开展培训。", "学校开展 培训。")
    assert diff.shown == []
    assert len(diff.folded) == 1


def test_added_removed_and_moved_sentences():
    diff = prose_diff("甲事。乙事。丙事的说明很长。", "丙事的说明很长。甲事。丁事新增。")
    kinds = sorted(c.kind for c in diff.shown)
    assert "moved" in kinds and "added" in kinds
    assert any(c.kind == "removed" and "乙事" in str(c.old) for c in diff.shown)
    assert any(c.kind == "added" and "丁事新增" in str(c.new) for c in diff.shown)


def test_the_diff_escapes_what_the_school_typed():
    diff = prose_diff("<b>旧</b>。", "<script>新</script>。")
    assert "<script>" not in "".join(str(c.old) + str(c.new) for c in diff.changes)
    assert "&lt;" in str(char_diff("a", "<b>"))


def test_indicators_are_named_by_label_and_unit(db):
    rows = indicator_changes({"homework_grade36": 65}, {"homework_grade36": 70})
    [row] = rows
    assert row["label"] == "三至六年级书面作业平均完成时间"
    assert row["unit"] == "分钟/天" and (row["before"], row["after"]) == ("65", "70")

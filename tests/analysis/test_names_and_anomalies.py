"""套用他校 (another unit's name left in the text) and 数据异常 (form figures far from the
previous period or the county): the plain functions the pipeline calls."""

from reports.analysis.anomalies import find_anomalies
from reports.analysis.names import find_other_names

NAMES = ["白水县第二中学", "白水县", "青山县河口镇中学", "一中"]


def test_another_schools_name_is_found_once_with_its_clause():
    text = "白水县第二中学始终把落实“双减”作为校长工程，班子成员分包年级。"
    found = find_other_names(text, NAMES)
    assert [(f.name, f.start, f.end) for f in found] == [("白水县第二中学", 0, 7)]
    assert found[0].clause.startswith("白水县第二中学始终")


def test_a_partner_school_named_in_a_cooperation_clause_is_not_a_leftover():
    text = "我校与青山县河口镇中学结对帮扶，每月开展一次送教活动。"
    assert find_other_names(text, NAMES) == []


def test_a_county_name_alone_and_short_names_count_only_as_written():
    text = "按照白水县的要求，我校一中校区调整了作息。"
    assert [f.name for f in find_other_names(text, NAMES)] == ["白水县"]


def test_no_names_no_findings():
    assert find_other_names("本校学生作业时长达标。", []) == []


def test_an_enrolment_that_doubles_is_flagged_with_the_previous_figure():
    (found,) = find_anomalies({"enrolment": 1313}, {"enrolment": 670})
    assert (found.indicator, found.kind, found.value, found.previous) == (
        "enrolment",
        "change",
        1313,
        670,
    )


def test_ordinary_moves_yes_no_answers_and_no_previous_figure_are_not_flagged():
    assert (
        find_anomalies({"enrolment": 700, "pe_minutes": 70}, {"enrolment": 670, "pe_minutes": 60})
        == []
    )
    assert find_anomalies({"phones_managed": False}, {"phones_managed": True}) == []
    assert find_anomalies({"enrolment": 1313}, {"enrolment": 0}) == []
    assert find_anomalies({"enrolment": 1313}, None) == []


def test_a_figure_far_from_the_county_is_flagged_with_the_median():
    peers = {"homework_grade36": [40, 45, 50, 60, 45, 40, 50, 60, 45]}
    (found,) = find_anomalies({"homework_grade36": 180}, None, peers)
    assert (found.kind, found.median) == ("peers", 45)
    assert find_anomalies({"homework_grade36": 55}, None, peers) == []


def test_too_few_peers_or_no_spread_stay_silent():
    assert find_anomalies({"homework_grade36": 180}, None, {"homework_grade36": [40, 45, 50]}) == []
    assert find_anomalies({"after_school_days": 2}, None, {"after_school_days": [5] * 20}) == []


def test_every_regular_name_is_among_the_candidates_of_a_text_that_holds_it():
    from reports.analysis.names import candidate_names, is_odd_name, place_name
    from reports.demo import COUNTIES, DISTRICTS, _county_schools

    names = [place_name(name) for _, name, _ in COUNTIES] + [name for _, name, _ in DISTRICTS]
    for code, county, _ in COUNTIES:
        names += [name for _, name, _, _ in _county_schools(code, county)]
    names += ["保山第九中学", "飞云镇中学", "崖窑小学", "宏伟区第五小学", "太平镇学区", "余杭区"]
    assert not [n for n in names if is_odd_name(n)]  # the suffixes fit the names we know
    for name in names:
        text = f"按照上级要求，{name}始终把落实“双减”作为校长工程，班子成员分包年级。"
        assert name in candidate_names(text), name


def test_candidates_end_in_a_unit_suffix_and_never_cross_a_separator():
    from reports.analysis.names import (
        MAX_NAME_CHARS,
        SEPARATORS,
        UNIT_SUFFIXES,
        candidate_names,
    )

    text = "我校与青山县河口镇中学结对帮扶，学校全面落实作业公示制度。" * 20
    candidates = candidate_names(text)
    assert {"青山县", "青山县河口镇", "青山县河口镇中学", "我校与青山县河口镇中学"} <= candidates
    assert all(c.endswith(UNIT_SUFFIXES) for c in candidates)
    assert not [c for c in candidates if set(c) & set(SEPARATORS) or len(c) > MAX_NAME_CHARS]
    assert candidate_names("本校学生作业时长达标。") == set()

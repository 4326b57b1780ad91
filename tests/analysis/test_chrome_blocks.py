"""Chrome blocks at a text's edges, and the campaign's site lines (analysis/residue.py)."""

from reports.analysis import analyze
from reports.analysis.residue import campaign_site_lines, line_key

PROSE = "今年以来，我校认真落实双减政策，作业总量明显下降，学生睡眠得到保障。"
SIGNED = "城关第二小学\n2024年6月18日"


def residue(text: str, site: frozenset[int] = frozenset()) -> list[str]:
    return [r.text for r in analyze(text, site_lines=site).residue]


def test_a_frame_below_the_signature_goes_with_its_known_line():
    text = f"城关第二小学双减自查报告\n{PROSE}\n{SIGNED}\n- END -\n橙子教研 出品\n感谢每一位老师\n"
    assert residue(text) == ["- END -", "橙子教研 出品", "感谢每一位老师"]


def test_the_title_signature_and_date_end_a_run_and_stay_the_schools():
    text = f"首页 > 范文\n城关第二小学双减自查报告\n橙子教研 出品\n{PROSE}\n{SIGNED}\n"
    found = residue(text)
    assert found == ["首页 > 范文"]  # the line after the title is not in the marker's run
    assert not any("报告" in r or "2024" in r or r.endswith("小学") for r in found)


def test_a_short_line_beside_chrome_between_two_paragraphs_is_kept():
    # a PDF's page footer inside a pasted table: the cells are not the site's frame
    text = f"{PROSE}\n第 1 页 共 3 页\n作业公示栏\n每周更新\n{PROSE}\n"
    assert residue(text) == ["第 1 页 共 3 页"]


def test_a_site_line_is_residue_wherever_it_stands_and_seeds_its_run():
    text = f"{PROSE}\n橙子教研 出品\n扫码加入教师群\n"
    assert residue(text) == []
    assert residue(text, frozenset({line_key("橙子教研 出品")})) == [
        "橙子教研 出品",
        "扫码加入教师群",
    ]
    # digits are one sign: a page's counts vary
    assert line_key("阅读 1523") == line_key("阅读 88") != line_key("阅读")


def test_a_campaigns_site_lines_need_three_schools_and_chrome_beside_one():
    framed = analyze(f"{PROSE}\n- END -\n橙子教研 出品\n").shape_lines
    bare = analyze(f"{PROSE}\n橙子教研 出品\n").shape_lines
    key = line_key("橙子教研 出品")
    assert key in campaign_site_lines([("甲", framed), ("乙", bare), ("丙", bare)])
    assert key not in campaign_site_lines([("甲", framed), ("乙", bare), ("乙", bare)])
    assert key not in campaign_site_lines([(s, bare) for s in "甲乙丙丁戊"])

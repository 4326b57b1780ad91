"""A template site's frame that no marker names, learned from the campaign: a line at the
edge of three schools' texts, beside known chrome in one of them, is residue in all of
them — also in the texts analysed before the third school submitted. A line the county's
own template repeats in every report, with no chrome beside it, never is."""

from reports.choices import AnalysisState
from reports.models import ChromeLine
from reports.pipeline import draft_analysis, run_analysis
from tests.test_copy_boilerplate import schools, version

SITE = "青柠文摘网 · 每日精选"  # no marker knows this site
PAYWALL = "登录后查看全文"  # a marker does
TEMPLATE = "本表由学校办公室据实填写"  # the county's template, in every report
BODY = "今年以来，我校认真落实双减政策，{}作业总量明显下降，学生睡眠得到保障。"


def text(n: int, paywall: bool) -> str:
    head = f"{SITE}\n{PAYWALL}\n" if paywall else f"{SITE}\n"
    return f"{head}第{n}小学双减工作自查报告\n{TEMPLATE}\n{BODY.format(f'第{n}校')}\n"


def residue(result) -> list[str]:
    return [r["text"] for r in result.result["residue"]]


def test_a_site_frame_three_schools_share_is_residue_in_all_of_them(world):
    first, second, third = schools(world, world.county_a, 3, "青")
    run_analysis(version(first, text(1, paywall=True)).pk)
    two = version(second, text(2, paywall=False))
    assert SITE not in residue(run_analysis(two.pk))  # two schools: not yet a site's frame
    three = run_analysis(version(third, text(3, paywall=False)).pk)
    assert SITE in residue(three) and three.flags["residue"] == 1
    two.analysis.refresh_from_db()  # queued again when the third school made it a frame
    assert two.analysis.state == AnalysisState.PENDING
    again = run_analysis(two.pk)  # what the worker does with it
    assert SITE in residue(again) and again.flags["residue"] == 1
    for result in (three, again):
        assert not any(TEMPLATE in r for r in residue(result))
        assert not any("报告" in r for r in residue(result))  # the title stays the school's
    # one row per school and line; the template line counted but never beside chrome
    assert ChromeLine.objects.filter(organization=first).count() >= 2
    assert not ChromeLine.objects.filter(chrome=True, organization__in=[second, third]).exists()


def test_a_template_line_in_every_report_without_chrome_beside_it_stays(world):
    group = schools(world, world.county_a, 4, "模")
    results = [
        run_analysis(version(school, text(n, paywall=False)).pk) for n, school in enumerate(group)
    ]
    for result in results:  # four schools share SITE too, but no marker ever stood beside it
        assert residue(result) == [] and not result.flags["residue"]


def test_the_schools_draft_self_check_reads_the_campaigns_frames(world):
    group = schools(world, world.county_a, 3, "草")
    for n, school in enumerate(group):
        run_analysis(version(school, text(n, paywall=n == 0)).pk)
    report = group[0].reports.get()
    report.sections = {"achievements": text(9, paywall=False)}
    report.save()
    found = [r["text"] for r in draft_analysis(report)["residue"]]
    assert SITE in found

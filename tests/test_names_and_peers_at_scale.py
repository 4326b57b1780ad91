"""套用他校 and 数据异常 against the real org tree (issue 19, province scale): the names are
looked up, not read wholesale, so the lookup is never stale; the county's figures are the
county's; the step's queries do not grow with the number of units."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import peers
from reports.analysis.names import find_other_names, is_odd_name, place_name
from reports.choices import OrgKind, SchoolType
from reports.models import Organization, Report, ReportVersion
from reports.models.accounts import ODD_NAME
from reports.pipeline import reviewer_checks
from tests.factories import make_campaign


def found(school: Organization, text: str) -> list[str]:
    return [f.name for f in find_other_names(text, peers.other_unit_names(school, text))]


def add_school(name: str, parent: Organization, code: str) -> Organization:
    return Organization.objects.create(
        name=name, code=code, kind=OrgKind.SCHOOL, parent=parent, school_type=SchoolType.PRIMARY
    )


def submitted(campaign, school: Organization, **values) -> ReportVersion:
    """A report of ``school`` in ``campaign`` with a submitted current version of ``values``."""
    report, _ = Report.objects.update_or_create(
        campaign=campaign,
        organization=school,
        defaults={"state": "submitted", "version": 1, "indicator_values": values},
    )
    return ReportVersion.objects.create(
        report=report,
        number=1,
        indicator_values=values,
        text="学校全面落实作业公示制度。",
        submitted_at=timezone.now(),
    )


def test_a_school_added_or_renamed_is_found_on_the_next_analysis(world):
    text = "丙县育英小学始终把落实“双减”作为校长工程。乙县第一小学的经验值得推广。"
    assert found(world.school_a1, text) == ["乙县第一小学"]
    add_school("丙县育英小学", world.county_b, "3000000001")
    assert found(world.school_a1, text) == ["丙县育英小学", "乙县第一小学"]
    world.school_b1.name = "乙县城南小学"
    world.school_b1.save()
    assert found(world.school_a1, text) == ["丙县育英小学"]
    assert found(world.school_a1, "乙县城南小学班子成员分包年级。") == ["乙县城南小学"]


def test_an_office_is_found_by_its_place_name_and_the_schools_own_tree_is_not(world):
    Organization.objects.create(
        name="白水县教育体育局", code="BS", kind=OrgKind.COUNTY, parent=world.city
    )
    text = "按照白水县的部署、测试市的要求和甲县第一小学的安排，甲县实验中学调整了作息。"
    # 测试市 is the school's own city (测试市教育局), 甲县第一小学 the school itself
    assert found(world.school_a1, text) == ["白水县", "甲县实验中学"]
    assert found(world.school_a2, text) == ["白水县", "甲县第一小学"]


def test_a_name_ending_in_no_usual_suffix_is_still_found(world):
    add_school("城关一中", world.county_b, "3000000002")
    assert is_odd_name("城关一中")
    assert found(world.school_a1, "城关一中的作业公示制度，我校全文照搬。") == ["城关一中"]
    assert found(world.school_a1, "我校与城关一中结对帮扶。") == []  # cooperation clause


def test_the_databases_odd_names_are_the_ones_the_text_search_cannot_produce(world):
    names = [
        "城关一中",
        "青山县第二中学",
        "青山县中学（初中部）",
        "河口 镇小学",
        "实验" * 21 + "小学",
    ]
    for i, name in enumerate(names):
        add_school(name, world.county_a, f"40000000{i:02d}")
    Organization.objects.create(
        name="青山县教委", code="QS", kind=OrgKind.COUNTY, parent=world.city
    )
    in_db = set(Organization.objects.filter(ODD_NAME).values_list("name", flat=True))
    in_python = {
        name
        for name, kind in Organization.objects.values_list("name", "kind")
        if is_odd_name(name if kind == OrgKind.SCHOOL else place_name(name))
    }
    assert in_db == in_python
    assert in_db >= {"城关一中", "河口 镇小学", "实验" * 21 + "小学", "青山县教委"}


def test_a_peer_in_another_county_does_not_shift_the_countys_distribution(world):
    campaign = make_campaign(world, publish=False)
    for i, minutes in enumerate([40, 45, 50, 60, 45, 40, 50, 60, 45]):
        school = add_school(f"甲县第{i + 3}小学", world.county_a, f"50000000{i:02d}")
        submitted(campaign, school, homework_grade36=minutes)
    for i in range(30):  # another county, where everyone writes 180
        school = add_school(f"乙县第{i + 3}小学", world.county_b, f"60000000{i:02d}")
        submitted(campaign, school, homework_grade36=180, enrolment=5000)
    version = submitted(campaign, world.school_a1, homework_grade36=180, enrolment=800)

    values = peers.peer_values(version)
    assert sorted(values["homework_grade36"]) == [40, 40, 45, 45, 45, 50, 50, 60, 60]
    assert "enrolment" not in values  # nobody in the county gave it
    anomalies = reviewer_checks(version, {})["anomalies"]
    assert [(a["indicator"], a["kind"], a["median"]) for a in anomalies] == [
        ("homework_grade36", "peers", 45)
    ]


def test_the_steps_queries_do_not_grow_with_the_number_of_units(world):
    campaign = make_campaign(world, publish=False)
    version = submitted(campaign, world.school_a1, homework_grade36=50, enrolment=800)
    version = ReportVersion.objects.select_related("report__organization", "report__campaign").get(
        pk=version.pk
    )
    text = "乙县第一小学始终把落实“双减”作为校长工程。按照白水县的部署，学校调整了作息。"
    ReportVersion.objects.filter(pk=version.pk).update(text=text)
    version.text = text

    def step() -> int:
        with CaptureQueriesContext(connection) as queries:
            reviewer_checks(version, {})
        return len(queries)

    before = step()
    county = Organization.objects.create(
        name="白水县教育局", code="BS", kind=OrgKind.COUNTY, parent=world.city
    )
    schools = Organization.objects.bulk_create(
        Organization(
            name=f"白水县第{i}小学", code=f"70000{i:05d}", kind=OrgKind.SCHOOL, parent=county
        )
        for i in range(300)
    )
    for school in schools:  # bulk_create leaves the paths to us
        Organization.objects.filter(pk=school.pk).update(path=f"{county.path}{school.pk}/")
    for school in Organization.objects.filter(parent=county)[:50]:
        submitted(campaign, school, homework_grade36=50)
    assert step() == before <= 4  # names 1, previous period 1, county 1, figures 1
    assert [n["name"] for n in reviewer_checks(version, {})["other_names"]] == [
        "乙县第一小学",
        "白水县",
    ]

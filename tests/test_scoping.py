"""Every permission follows the tree: a unit sees itself and below, never a sibling."""

from reports.choices import Role
from reports.models import Organization
from reports.selectors import scope_to_user, units_visible_to
from tests.world import make_user


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_a_submitter_sees_only_their_school(world):
    assert codes(units_visible_to(world.alice)) == {"1000000001"}


def test_a_county_reviewer_sees_their_county_and_not_the_sibling_county(world):
    visible = codes(units_visible_to(world.rita))
    assert visible == {"CA", "1000000001", "1000000002"}
    assert "2000000001" not in visible and "CB" not in visible


def test_a_city_supervisor_sees_the_whole_subtree_but_not_the_province(world):
    assert codes(units_visible_to(world.sam)) == {
        "C0",
        "CA",
        "CB",
        "1000000001",
        "1000000002",
        "2000000001",
    }


def test_a_user_without_membership_sees_nothing(world, django_user_model):
    stranger = django_user_model.objects.create_user("stranger", password="x")
    assert not units_visible_to(stranger).exists()


def test_scope_follows_a_relation_to_the_unit(world):
    from reports.models import Membership

    memberships = scope_to_user(Membership.objects.all(), world.rita, via="organization")
    assert {m.user.username for m in memberships} == {"rita", "alice", "amy"}


def test_moving_a_unit_moves_its_subtree(world):
    world.county_a.parent = world.province
    world.county_a.save()
    school = Organization.objects.get(code="1000000001")
    assert school.path.startswith(world.county_a.path)
    assert school.depth == 2
    assert "1000000001" not in codes(units_visible_to(world.sam))


def test_org_list_over_http_is_scoped(world, login):
    client = login(world.rita)
    page = client.get("/orgs/").content.decode()
    assert "甲县第一小学" in page
    assert "乙县第一小学" not in page


def test_it_returns_404_for_a_sibling_countys_school(world, login):
    client = login(world.rita)
    assert client.get(f"/orgs/{world.school_b1.pk}/").status_code == 404
    assert client.get(f"/orgs/{world.school_a1.pk}/").status_code == 200


def test_a_school_cannot_open_another_school(world, login):
    client = login(world.alice)
    assert client.get(f"/orgs/{world.school_a2.pk}/").status_code == 404
    assert client.get(f"/orgs/{world.school_a1.pk}/").status_code == 200


def test_a_school_submitter_gets_no_unit_listing(world, login):
    assert login(world.alice).get("/orgs/").status_code == 403


def test_the_supervisor_opens_a_school_below_but_not_the_province(world, login):
    client = login(world.sam)
    assert client.get(f"/orgs/{world.school_b1.pk}/").status_code == 200
    assert client.get(f"/orgs/{world.province.pk}/").status_code == 404


def test_pages_require_login(client, world):
    response = client.get("/orgs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_menu_fits_the_role(world, login):
    school_page = login(world.alice).get("/").content.decode()
    assert "导入单位和账号" not in school_page and "审计日志" not in school_page
    admin_page = login(world.ada).get("/").content.decode()
    assert "导入单位和账号" in admin_page and "审计日志" not in admin_page  # the auditor's
    auditor = make_user("audrey", world.province, Role.AUDITOR)
    auditor_page = login(auditor).get("/").content.decode()
    assert "审计日志" in auditor_page and "导入单位和账号" not in auditor_page

"""Bulk import of units and accounts: good sheet, re-import, bad rows, both entry points."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from reports.models import AuditEvent, Membership, Organization, User

HEADER = [
    "单位代码",
    "单位名称",
    "单位类型",
    "上级单位代码",
    "学段",
    "寄宿",
    "账号",
    "姓名",
    "角色",
    "初始密码",
    "邮箱",
]
GOOD = [
    [
        "9100000000",
        "丙市教育局",
        "市",
        "",
        "",
        "",
        "c-admin",
        "丙市管理员",
        "管理员",
        "Init-Pass-1",
        "",
    ],
    [
        "9101001001",
        "丙县第一小学",
        "学校",
        "9101000000",
        "小学",
        "否",
        "c-school",
        "一小",
        "填报员",
        "",
        "",
    ],
    [
        "9101000000",
        "丙县教育局",
        "县",
        "9100000000",
        "",
        "",
        "c-rev",
        "丙县审核",
        "审核员",
        "Init-Pass-2",
        "",
    ],
    ["9101001002", "丙县第二中学", "学校", "9101000000", "初中", "是", "", "", "", "", ""],
]


def xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    lines = [",".join(HEADER)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def post_sheet(client, content: bytes, name: str):
    upload = SimpleUploadedFile(name, content)
    return client.post("/orgs/import/", {"sheet": upload})


@pytest.mark.django_db
def test_a_good_sheet_creates_units_and_accounts_in_the_tree(tmp_path):
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(xlsx(GOOD))
    call_command("import_orgs", str(path))
    school = Organization.objects.get(code="9101001001")
    assert school.parent.code == "9101000000"
    assert school.parent.parent.code == "9100000000"
    assert school.get_school_type_display() == "小学"
    assert Organization.objects.get(code="9101001002").boarding is True
    user = User.objects.get(username="c-rev")
    assert user.membership.role == "reviewer"
    assert user.membership.organization.code == "9101000000"
    assert user.must_change_password is True
    assert user.check_password("Init-Pass-2")


@pytest.mark.django_db
def test_reimporting_the_same_sheet_updates_and_never_duplicates(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(GOOD))
    call_command("import_orgs", str(path))
    user = User.objects.get(username="c-rev")
    user.set_password("Changed-By-Owner-9")
    user.must_change_password = False
    user.save()
    renamed = [row.copy() for row in GOOD]
    renamed[1][1] = "丙县第一实验小学"
    path.write_bytes(csv_bytes(renamed))
    call_command("import_orgs", str(path))
    assert Organization.objects.filter(code__startswith="91").count() == 4
    assert User.objects.filter(username__startswith="c-").count() == 3
    assert Membership.objects.filter(user__username__startswith="c-").count() == 3
    assert Organization.objects.get(code="9101001001").name == "丙县第一实验小学"
    user.refresh_from_db()
    assert user.check_password("Changed-By-Owner-9"), "re-import must not reset passwords"


@pytest.mark.django_db
def test_a_gbk_csv_from_excel_is_read(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(GOOD, encoding="gb18030"))
    call_command("import_orgs", str(path))
    assert Organization.objects.get(code="9101000000").name == "丙县教育局"


@pytest.mark.django_db
def test_bad_rows_are_reported_row_by_row_and_nothing_is_written(tmp_path):
    bad = [
        *GOOD,
        ["9101001003", "丙县第三小学", "学校", "8888888888", "小学", "", "", "", "", "", ""],
        ["9101001001", "重复的学校", "学校", "9101000000", "小学", "", "", "", "", "", ""],
        ["9101001004", "", "学校", "9101000000", "小学", "", "", "", "", "", ""],
        ["9101001005", "丙县第五小学", "学校", "9101000000", "幼儿园", "", "", "", "", "", ""],
    ]
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(xlsx(bad))
    with pytest.raises(CommandError, match="4 处错误"):
        call_command("import_orgs", str(path))
    assert not Organization.objects.filter(code__startswith="91").exists()
    assert not User.objects.filter(username__startswith="c-").exists()


@pytest.mark.django_db
def test_the_admin_page_shows_each_bad_row_in_chinese(world, login):
    client = login(world.ada)
    bad = [
        ["9101001003", "丙县第三小学", "学校", "8888888888", "小学", "", "", "", "", "", ""],
        ["9101001003", "再一次", "学校", "P0", "小学", "", "", "", "", "", ""],
        ["9101001004", "", "学校", "P0", "小学", "", "", "", "", "", ""],
    ]
    response = post_sheet(client, xlsx(bad), "orgs.xlsx")
    page = response.content.decode()
    assert response.status_code == 200
    assert "本次没有导入任何数据" in page
    assert "第2行：上级单位代码“8888888888”在表中和系统中都不存在" in page
    assert "第3行：单位代码“9101001003”与第2行重复" in page
    assert "第4行：缺少单位名称" in page
    assert not Organization.objects.filter(code__startswith="91").exists()


@pytest.mark.django_db
def test_the_admin_page_imports_under_the_admins_unit_and_logs_it(world, login):
    client = login(world.ada)
    rows = [
        ["9101001009", "新学校", "学校", "CA", "小学", "否", "new-school", "", "填报员", "", ""]
    ]
    page = post_sheet(client, csv_bytes(rows), "orgs.csv").content.decode()
    assert "新建单位 1 个" in page
    assert "new-school" in page  # the generated password is shown once
    assert Organization.objects.get(code="9101001009").parent == world.county_a
    event = AuditEvent.objects.get(action="org_import")
    assert event.actor == world.ada and event.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_an_admin_cannot_import_into_a_unit_outside_their_tree(world, login):
    from reports.choices import Role
    from tests.world import make_user

    county_admin = make_user("county-admin", world.county_a, Role.ADMIN)
    client = login(county_admin)
    rows = [["9101001009", "越权学校", "学校", "CB", "小学", "否", "", "", "", "", ""]]
    page = post_sheet(client, csv_bytes(rows), "orgs.csv").content.decode()
    assert "上级单位必须在您的管辖范围内" in page
    assert not Organization.objects.filter(code="9101001009").exists()


@pytest.mark.django_db
def test_a_wrong_file_type_is_refused_with_a_message(world, login):
    client = login(world.ada)
    page = post_sheet(client, b"MZ\x90\x00", "orgs.exe").content.decode()
    assert "只支持 .xlsx 或 .csv 格式的表格" in page
    corrupt = post_sheet(client, b"not a zip", "orgs.xlsx").content.decode()
    assert "无法读取该 Excel 文件" in corrupt


@pytest.mark.django_db
def test_only_admins_reach_the_import_page(world, login):
    assert login(world.rita).get("/orgs/import/").status_code == 403
    assert login(world.alice).get("/orgs/import/").status_code == 403
    assert login(world.ada).get("/orgs/import/").status_code == 200


@pytest.mark.django_db
def test_the_sample_sheet_in_the_repo_imports(settings):
    from pathlib import Path

    call_command(
        "import_orgs", str(Path(settings.BASE_DIR) / "static/samples/org_import_sample.csv")
    )
    assert Organization.objects.get(code="5101001003").get_school_type_display() == "九年一贯制"


# ---------------------------------------------------------------- scope of a scoped admin


def row(code, name, kind, parent="", school_type="", username="", role="", password="", email=""):
    full_name = username
    return [code, name, kind, parent, school_type, "", username, full_name, role, password, email]


def rejected_page(client, rows, name="orgs.csv"):
    response = post_sheet(client, csv_bytes(rows), name)
    assert response.status_code == 200
    page = response.content.decode()
    assert "本次没有导入任何数据" in page
    return page


@pytest.mark.django_db
def test_a_scoped_admin_cannot_take_over_an_account_outside_its_subtree(world, district, login):
    unit, school, admin = district
    world.rita.email = "rita@county-a.cn"
    world.rita.save()
    sheet = [
        row("1000000009", "城关小学", "学校", "XQ-1", "小学", "rita", "管理员", "", "x@evil.cn")
    ]
    page = rejected_page(login(admin), sheet)
    assert "第2行：账号“rita”已存在且不在您的管辖范围内" in page
    world.rita.refresh_from_db()
    assert world.rita.email == "rita@county-a.cn"
    assert world.rita.membership.organization == world.county_a
    assert world.rita.membership.role == "reviewer"


@pytest.mark.django_db
def test_an_account_without_membership_cannot_be_claimed_by_a_scoped_admin(world, district, login):
    unit, school, admin = district
    User.objects.create_user(username="loner", email="loner@example.cn")
    sheet = [
        row("1000000009", "城关小学", "学校", "XQ-1", "小学", "loner", "填报员", "", "x@evil.cn")
    ]
    assert "账号“loner”已存在且不在您的管辖范围内" in rejected_page(login(admin), sheet)
    assert User.objects.get(username="loner").email == "loner@example.cn"
    assert not Membership.objects.filter(user__username="loner").exists()


@pytest.mark.django_db
def test_no_import_changes_a_superuser_or_staff_account(world, district, login, tmp_path):
    from reports.choices import Role

    unit, school, admin = district
    root = User.objects.create_superuser("root", "root@ops.cn", "Root-Pass-2026")
    staff = User.objects.create_user("opsstaff", "staff@ops.cn", is_staff=True)
    # Even with a membership inside the importer's subtree, they stay out of reach.
    Membership.objects.create(user=root, organization=school, role=Role.SUBMITTER)
    Membership.objects.create(user=staff, organization=school, role=Role.SUBMITTER)
    sheet = [
        row("1000000009", "城关小学", "学校", "XQ-1", "小学", "root", "管理员", "", "x@evil.cn"),
        row(
            "1000000010", "城关二小", "学校", "XQ-1", "小学", "opsstaff", "管理员", "", "y@evil.cn"
        ),
    ]
    page = rejected_page(login(admin), sheet)
    assert "第2行：账号“root”是系统管理账号，不能通过导入修改" in page
    assert "第3行：账号“opsstaff”是系统管理账号，不能通过导入修改" in page
    # Not by a superuser's import either, nor from the command line.
    page = rejected_page(login(root), sheet)
    assert "账号“root”是系统管理账号" in page
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(sheet))
    with pytest.raises(CommandError):
        call_command("import_orgs", str(path))
    root.refresh_from_db()
    staff.refresh_from_db()
    assert (root.email, staff.email) == ("root@ops.cn", "staff@ops.cn")
    assert root.membership.role == "submitter" and staff.membership.role == "submitter"
    assert not Organization.objects.filter(code="1000000010").exists()


@pytest.mark.django_db
def test_an_admin_cannot_reparent_its_own_unit(world, district, login):
    from reports.choices import Role
    from tests.world import make_user

    county_admin = make_user("ca-admin", world.county_a, Role.ADMIN)
    page = rejected_page(login(county_admin), [row("CA", "甲县教育局", "县", "P0")])
    assert "第2行：不能更改本账号所属单位“CA”的上级单位" in page
    world.county_a.refresh_from_db()
    assert world.county_a.parent == world.city and world.county_a.path.startswith(world.city.path)
    # Renaming it while keeping its parent is fine.
    page = post_sheet(
        login(county_admin), csv_bytes([row("CA", "甲县教育体育局", "县", "C0")]), "o.csv"
    )
    assert "更新 1 个" in page.content.decode()
    world.county_a.refresh_from_db()
    assert world.county_a.name == "甲县教育体育局" and world.county_a.parent == world.city


@pytest.mark.django_db
def test_a_unit_is_never_moved_out_of_the_importers_subtree(world, district, login):
    from reports.choices import Role
    from tests.world import make_user

    unit, school, admin = district
    county_admin = make_user("ca-admin", world.county_a, Role.ADMIN)
    client = login(county_admin)
    # Directly under a unit of another county …
    page = rejected_page(client, [row("XQ-1", "甲县城关学区", "学区", "CB")])
    assert "第2行：上级单位必须在您的管辖范围内" in page
    # … or through its own unit's row, moved along with it.
    page = rejected_page(
        client, [row("CA", "甲县教育局", "县", "CB"), row("XQ-1", "甲县城关学区", "学区", "CA")]
    )
    assert "第2行：不能更改本账号所属单位“CA”的上级单位" in page
    unit.refresh_from_db()
    world.county_a.refresh_from_db()
    assert unit.parent == world.county_a and world.county_a.parent == world.city
    assert unit.path.startswith(world.county_a.path)


@pytest.mark.django_db
def test_a_unit_moved_under_its_own_subtree_is_a_row_error(world, district, login):
    from reports.choices import OrgKind

    unit, school, admin = district
    inner = Organization.objects.create(
        name="城关学区东片", code="XQ-1-E", kind=OrgKind.DISTRICT, parent=unit
    )
    page = rejected_page(login(world.ada), [row("XQ-1", "甲县城关学区", "学区", "XQ-1-E")])
    assert "第2行：上级单位不能是本单位的下级单位" in page
    unit.refresh_from_db()
    inner.refresh_from_db()
    assert unit.parent == world.county_a and inner.parent == unit


@pytest.mark.django_db
def test_an_initial_password_must_pass_the_password_validators(world, login):
    sheet = [row("1000000011", "新学校", "学校", "CA", "小学", "weak-1", "填报员", "1")]
    page = rejected_page(login(world.ada), sheet)
    assert "第2行：初始密码不符合要求：" in page
    assert "这个密码太短了，至少要有 8 个字符。" in page and "这个密码太常见了。" in page
    assert not User.objects.filter(username="weak-1").exists()
    assert not Organization.objects.filter(code="1000000011").exists()


@pytest.mark.django_db
def test_unit_codes_are_safe_and_school_codes_are_ten_digits(world, login):
    sheet = [
        row("../../zz9", "越界学校", "学校", "CA", "小学"),
        row("12345", "短码学校", "学校", "CA", "小学"),
        row("../x", "某学区", "学区", "CA"),
        row("X" * 33, "长码学区", "学区", "CA"),
    ]
    page = rejected_page(login(world.ada), sheet)
    assert "第2行：学校的单位代码应为10位数字的学校标识码，而不是“../../zz9”" in page
    assert "第3行：学校的单位代码应为10位数字的学校标识码，而不是“12345”" in page
    assert "第4行：单位代码“../x”只能由字母、数字、-、_ 组成，且不超过32个字符" in page
    assert "第5行：单位代码" in page
    assert Organization.objects.count() == 7  # the world alone

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
    from tests.conftest import make_user

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

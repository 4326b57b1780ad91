"""One row of an org/account sheet, parsed and checked on its own (codes, names, kinds,
学段, roles, account fields); the checks across rows and against the database are
:mod:`reports.services.org_import`'s."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from reports.choices import OrgKind, Role, SchoolType
from reports.models import Organization, User
from reports.services.org_sheet import COLUMNS

KIND_ALIASES = {
    **{label: value for value, label in OrgKind.choices},
    "省": OrgKind.PROVINCE,
    "市": OrgKind.CITY,
    "县": OrgKind.COUNTY,
    "区": OrgKind.COUNTY,
    "县级": OrgKind.COUNTY,
    "县区": OrgKind.COUNTY,
    "县(区)": OrgKind.COUNTY,
    "县（区）": OrgKind.COUNTY,
    "学区": OrgKind.DISTRICT,
    "镇": OrgKind.DISTRICT,
    **{value: value for value in OrgKind.values},
}
SCHOOL_TYPE_ALIASES = {
    **{label: value for value, label in SchoolType.choices},
    **{value: value for value in SchoolType.values},
}
ROLE_ALIASES = {
    **{label: value for value, label in Role.choices},
    **{value: value for value in Role.values},
}
YES = {"是", "寄宿", "y", "yes", "1", "true"}
NO = {"否", "", "n", "no", "0", "false", "走读"}
SCHOOL_CODE = re.compile(r"[0-9]{10}")
UNIT_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
NAME_MAX = Organization._meta.get_field("name").max_length
USERNAME_MAX = User._meta.get_field("username").max_length
EMAIL_MAX = User._meta.get_field("email").max_length


@dataclass
class SheetRow:
    line: int
    code: str
    name: str
    kind: str
    parent: str
    school_type: str
    boarding: bool
    username: str
    full_name: str
    role: str
    password: str
    email: str


def _code_problem(code: str, kind: str) -> str:
    shown = code if len(code) <= 40 else code[:40] + "…"
    if kind == OrgKind.SCHOOL:
        if not SCHOOL_CODE.fullmatch(code):
            return f"学校的单位代码应为10位数字的学校标识码，而不是“{shown}”"
    elif not UNIT_CODE.fullmatch(code):
        return f"单位代码“{shown}”只能由字母、数字、-、_ 组成，且不超过32个字符"
    return ""


def parse_rows(records: list[dict[str, str]]) -> tuple[list[SheetRow], list[str]]:
    rows, errors = [], []
    seen_codes: dict[str, int] = {}
    seen_users: dict[str, int] = {}
    for index, record in enumerate(records):
        line = index + 2  # row 1 is the header
        get = {key: record.get(header, "").strip() for key, header in COLUMNS.items()}
        if not any(get.values()):
            continue
        problems = []
        kind = KIND_ALIASES.get(get["kind"], "")
        if not get["code"]:
            problems.append("缺少单位代码")
        elif get["code"] in seen_codes:
            problems.append(f"单位代码“{get['code']}”与第{seen_codes[get['code']]}行重复")
        else:
            seen_codes[get["code"]] = line
            if kind and (problem := _code_problem(get["code"], kind)):
                problems.append(problem)
        if not get["name"]:
            problems.append("缺少单位名称")
        elif len(get["name"]) > NAME_MAX:
            problems.append(f"单位名称超过{NAME_MAX}个字")
        if not kind:
            problems.append(f"单位类型“{get['kind']}”无法识别，应为 省/市/县/学区/学校")
        school_type = ""
        if get["school_type"]:
            school_type = SCHOOL_TYPE_ALIASES.get(get["school_type"], "")
            if not school_type:
                problems.append(
                    f"学段“{get['school_type']}”无法识别，应为 小学/初中/九年一贯制/高中/完全中学"
                )
            elif kind and kind != OrgKind.SCHOOL:
                problems.append("只有学校可以填写学段")
        elif kind == OrgKind.SCHOOL:
            problems.append("学校必须填写学段")
        boarding_raw = get["boarding"].lower()
        if boarding_raw not in YES | NO:
            problems.append(f"寄宿应填“是”或“否”，而不是“{get['boarding']}”")
        role = ""
        if get["username"]:
            problems.extend(_account_field_problems(get))
            role = ROLE_ALIASES.get(get["role"], "")
            if not role:
                problems.append(f"角色“{get['role']}”无法识别，应为 填报员/审核员/上级查看/管理员")
            if get["username"] in seen_users:
                problems.append(f"账号“{get['username']}”与第{seen_users[get['username']]}行重复")
            else:
                seen_users[get["username"]] = line
        elif get["role"] or get["password"]:
            problems.append("填写了角色或密码，但没有填写账号")
        if problems:
            errors.extend(f"第{line}行：{problem}" for problem in problems)
            continue
        rows.append(
            SheetRow(
                line=line,
                code=get["code"],
                name=get["name"],
                kind=kind,
                parent=get["parent"],
                school_type=school_type,
                boarding=boarding_raw in YES,
                username=get["username"],
                full_name=get["full_name"],
                role=role,
                password=get["password"],
                email=get["email"],
            )
        )
    return rows, errors


def _account_field_problems(get: dict[str, str]) -> list[str]:
    problems = []
    username = get["username"]
    if len(username) > USERNAME_MAX:
        problems.append(f"账号超过{USERNAME_MAX}个字符")
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            problems.append(f"账号“{username}”只能包含字母、数字和 @ . + - _")
    if get["email"]:
        try:
            validate_email(get["email"])
            if len(get["email"]) > EMAIL_MAX:
                raise ValidationError("too long")
        except ValidationError:
            problems.append(f"邮箱“{get['email'][:60]}”格式不正确")
    return problems

"""Bulk import of units and accounts from an .xlsx or .csv sheet.

One row per unit, with at most one account on the same row. Columns (header row, Chinese):

    单位代码 单位名称 单位类型 上级单位代码 学段 寄宿 账号 姓名 角色 初始密码 邮箱

Decisions:
- A unit is keyed by 单位代码 and an account by 账号, so re-importing the same sheet
  updates what exists and creates nothing twice.
- The whole sheet is validated first; any bad row rejects the whole import with a
  row-by-row Chinese report, and what is written is written in one transaction.
- A password is only set when an account is created (from 初始密码, or generated and shown
  once to the importer); re-importing never resets a password someone has since changed.
  Created accounts must change their password at first login.
- An importer who is not a superuser may only touch units inside their own subtree.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.http import HttpRequest

from reports.audit import audit_record
from reports.choices import OrgKind, Role, SchoolType
from reports.models import Membership, Organization, User

COLUMNS = {
    "code": "单位代码",
    "name": "单位名称",
    "kind": "单位类型",
    "parent": "上级单位代码",
    "school_type": "学段",
    "boarding": "寄宿",
    "username": "账号",
    "full_name": "姓名",
    "role": "角色",
    "password": "初始密码",
    "email": "邮箱",
}

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
MAX_ROWS = 50_000


class SheetError(ValueError):
    """The file itself cannot be read as a sheet."""


class ImportRejected(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    units_created: int = 0
    units_updated: int = 0
    users_created: int = 0
    users_updated: int = 0
    generated_passwords: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Row:
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


def read_sheet(upload: IO[bytes], filename: str) -> list[dict[str, str]]:
    """Return the rows of an .xlsx or .csv file as dicts keyed by the Chinese header."""
    name = filename.lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise SheetError("只支持 .xlsx 或 .csv 格式的表格")
    if not rows:
        raise SheetError("表格是空的")
    header = [str(cell or "").strip() for cell in rows[0]]
    missing = [COLUMNS[key] for key in ("code", "name", "kind") if COLUMNS[key] not in header]
    if missing:
        raise SheetError("表头缺少必需的列：" + "、".join(missing))
    if len(rows) - 1 > MAX_ROWS:
        raise SheetError(f"一次最多导入 {MAX_ROWS} 行")
    records = []
    for cells in rows[1:]:
        values = [_cell_text(cell) for cell in cells]
        records.append(dict(zip(header, values, strict=False)))
    return records


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SheetError("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏") from exc
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise SheetError("无法识别 CSV 文件的编码，请另存为 UTF-8")
    return list(csv.reader(io.StringIO(text)))


def _parse(records: list[dict[str, str]]) -> tuple[list[_Row], list[str]]:
    rows, errors = [], []
    seen_codes: dict[str, int] = {}
    seen_users: dict[str, int] = {}
    for index, record in enumerate(records):
        line = index + 2  # row 1 is the header
        get = {key: record.get(header, "").strip() for key, header in COLUMNS.items()}
        if not any(get.values()):
            continue
        problems = []
        if not get["code"]:
            problems.append("缺少单位代码")
        elif get["code"] in seen_codes:
            problems.append(f"单位代码“{get['code']}”与第{seen_codes[get['code']]}行重复")
        else:
            seen_codes[get["code"]] = line
        if not get["name"]:
            problems.append("缺少单位名称")
        kind = KIND_ALIASES.get(get["kind"], "")
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
            _Row(
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


def org_import(
    *,
    records: list[dict[str, str]],
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> ImportResult:
    """Validate every row, then write all of them in one transaction, or nothing."""
    rows, errors = _parse(records)
    if not rows and not errors:
        raise ImportRejected(["表格中没有数据行"])
    existing = {
        org.code: org for org in Organization.objects.filter(code__in=[r.code for r in rows])
    }
    parents = {
        org.code: org
        for org in Organization.objects.filter(code__in=[r.parent for r in rows if r.parent])
    }
    sheet_rows = {row.code: row for row in rows}
    scope = None
    if actor is not None and not actor.is_superuser:
        from reports.selectors import user_unit

        scope = user_unit(actor)
        if scope is None:
            raise ImportRejected(["当前账号没有所属单位，不能导入"])
    for row in rows:
        parent_kind = None
        if row.parent:
            if row.parent == row.code:
                errors.append(f"第{row.line}行：上级单位不能是自己")
            elif row.parent in sheet_rows:
                parent_kind = sheet_rows[row.parent].kind
            elif row.parent in parents:
                parent_kind = parents[row.parent].kind
            else:
                errors.append(f"第{row.line}行：上级单位代码“{row.parent}”在表中和系统中都不存在")
        if parent_kind == OrgKind.SCHOOL:
            errors.append(f"第{row.line}行：学校不能作为上级单位")
        if scope is not None:
            target = existing.get(row.code)
            parent = parents.get(row.parent)
            if target is not None and not target.path.startswith(scope.path):
                errors.append(f"第{row.line}行：单位“{row.code}”不在您的管辖范围内")
            elif row.parent not in sheet_rows and (
                parent is None or not parent.path.startswith(scope.path)
            ):
                if not (target is not None and target.pk == scope.pk):
                    errors.append(f"第{row.line}行：上级单位必须在您的管辖范围内")
    errors.extend(_cycles(rows))
    if errors:
        raise ImportRejected(sorted(set(errors), key=_line_of))
    return _write(rows, existing, parents, actor=actor, request=request)


def _line_of(message: str) -> tuple[int, str]:
    digits = message[1 : message.find("行")]
    return (int(digits) if digits.isdigit() else 0, message)


def _cycles(rows: list[_Row]) -> list[str]:
    by_code = {row.code: row for row in rows}
    errors = []
    for row in rows:
        seen = {row.code}
        current = row
        while current.parent in by_code:
            current = by_code[current.parent]
            if current.code in seen:
                errors.append(f"第{row.line}行：上级单位形成了循环")
                break
            seen.add(current.code)
    return errors


@transaction.atomic
def _write(
    rows: list[_Row],
    existing: dict[str, Organization],
    parents: dict[str, Organization],
    *,
    actor: User | None,
    request: HttpRequest | None,
) -> ImportResult:
    result = ImportResult()
    resolved = {**parents, **existing}
    pending = list(rows)
    while pending:
        progressed = []
        for row in pending:
            if row.parent and row.parent not in resolved:
                continue
            parent = resolved.get(row.parent) if row.parent else None
            org = existing.get(row.code)
            if org is None:
                org = Organization(code=row.code)
                result.units_created += 1
            else:
                result.units_updated += 1
            org.name, org.kind, org.parent = row.name, row.kind, parent
            org.school_type, org.boarding = row.school_type, row.boarding
            org.save()
            resolved[row.code] = org
            progressed.append(row)
        if not progressed:  # guarded by _cycles; never loop forever
            raise ImportRejected([f"第{row.line}行：上级单位无法解析" for row in pending])
        pending = [row for row in pending if row not in progressed]
    for row in rows:
        if row.username:
            _write_account(row, resolved[row.code], result)
    audit_record(
        action="org_import",
        actor=actor,
        target=f"{len(rows)} 行",
        organization=None,
        detail={
            "units_created": result.units_created,
            "units_updated": result.units_updated,
            "users_created": result.users_created,
            "users_updated": result.users_updated,
        },
        request=request,
    )
    return result


def _write_account(row: _Row, org: Organization, result: ImportResult) -> None:
    user = User.objects.filter(username=row.username).first()
    if user is None:
        password = row.password or secrets.token_urlsafe(8)
        user = User(username=row.username, must_change_password=True)
        user.set_password(password)
        if not row.password:
            result.generated_passwords.append((row.username, password))
        result.users_created += 1
    else:
        result.users_updated += 1
    user.first_name = row.full_name[:150]
    user.email = row.email
    user.save()
    Membership.objects.update_or_create(user=user, defaults={"organization": org, "role": row.role})

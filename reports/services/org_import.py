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
  Created accounts must change their password at first login. An 初始密码 must pass the
  password validators (``AUTH_PASSWORD_VALIDATORS``), else the row is an error.
- Codes: a school's 单位代码 is its 10-digit 学校标识码; any other unit's code is letters,
  digits, ``-`` and ``_`` only, at most 32 characters.

Scope (an import can never take over an account or a unit it should not reach):
- An importer who is not a superuser may only create or change units inside their own
  subtree (``path`` starts with their unit's path): a row whose code is an existing unit
  outside it, or whose parent is outside it, is a row error. A new unit needs a parent.
- Such an importer may only change accounts whose existing membership lies inside the
  subtree: an existing username with a membership outside, or with no membership at all, is
  a row error.
- No import, not even a superuser's or the command line's, changes a superuser or staff
  account (row error): those accounts are managed in the Django admin.
- Nobody re-parents the unit they belong to: its row may rename it but must keep its
  上级单位代码. Every other unit an importer moves stays in the importer's subtree (its new
  parent is in the subtree or is a row of the same sheet, itself checked the same way).

Reading: the sheet is read row by row (openpyxl read-only mode for .xlsx, ``csv.reader``
over the decoded text) and refused as soon as it passes ``MAX_ROWS``; an .xlsx first goes
through the shared ZIP guard. Large sheets run as a background job
(``reports.bureau.import_jobs``); the work done here is the same for both.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest

from reports.audit import audit_record
from reports.choices import OrgKind, Role, SchoolType
from reports.documents.zipguard import MAX_MEMBER_BYTES, MSG_CORRUPT, check_zip
from reports.models import Membership, Organization, User
from reports.selectors import user_unit
from reports.services.accounts import generate_password

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
# Columns read from an .xlsx: the sheet's own dimension is not trusted (a hostile file may
# claim 16,384 columns and have every row padded to that width).
MAX_COLUMNS = 64
SCHOOL_CODE = re.compile(r"[0-9]{10}")
UNIT_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
NAME_MAX = Organization._meta.get_field("name").max_length
USERNAME_MAX = User._meta.get_field("username").max_length
EMAIL_MAX = User._meta.get_field("email").max_length

UNREADABLE_XLSX = "无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏"

Progress = Callable[[int, int], None]


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


# ---------------------------------------------------------------- reading


def read_sheet(upload: IO[bytes], filename: str) -> list[dict[str, str]]:
    """Return the rows of an .xlsx or .csv file as dicts keyed by the Chinese header.

    Rows are read one at a time and the file is refused at the first non-empty row past
    ``MAX_ROWS`` (empty rows in between count, trailing empty rows do not). An empty row is
    returned as ``{}`` so that row numbers in messages match the sheet.
    """
    with closing(iter_sheet(upload.read(), filename)) as records:
        return list(records)


def iter_sheet(data: bytes, filename: str) -> Generator[dict[str, str], None, None]:
    """The rows of ``read_sheet`` one at a time (close it to stop reading early)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise SheetError("只支持 .xlsx 或 .csv 格式的表格")
    with closing(rows):
        yield from _records(rows)


def _records(rows: Iterator[Sequence[Any]]) -> Iterator[dict[str, str]]:
    first = next(rows, None)
    if first is None:
        raise SheetError("表格是空的")
    header = [_cell_text(cell) for cell in first]
    missing = [COLUMNS[key] for key in ("code", "name", "kind") if COLUMNS[key] not in header]
    if missing:
        raise SheetError("表头缺少必需的列：" + "、".join(missing))
    count = 0
    blank_run = 0
    for cells in rows:
        values = [_cell_text(cell) for cell in cells]
        if not any(values):
            blank_run += 1
            continue
        if count + blank_run >= MAX_ROWS:
            raise SheetError(f"一次最多导入 {MAX_ROWS} 行，请把表格拆成几份分别导入")
        for _ in range(blank_run):
            yield {}
        count += blank_run + 1
        blank_run = 0
        yield dict(zip(header, values, strict=False))


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _xlsx_rows(data: bytes) -> Generator[Sequence[Any], None, None]:
    from openpyxl import load_workbook

    try:
        # The sheet XML is streamed and the reading stops at MAX_ROWS, so one part may be as
        # large as any part (a 50,000-row sheet written with inline strings is ~35 MB).
        check_zip(data, max_xml_member_bytes=MAX_MEMBER_BYTES)
    except ValueError as exc:
        message = str(exc)
        raise SheetError(UNREADABLE_XLSX if message == MSG_CORRUPT else message) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SheetError(UNREADABLE_XLSX) from exc
    try:
        yield from _guarded(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    finally:
        workbook.close()


def _guarded(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    try:
        yield from rows
    except SheetError:
        raise
    except Exception as exc:  # a damaged sheet XML fails while it is being streamed
        raise SheetError(UNREADABLE_XLSX) from exc


def _csv_rows(data: bytes) -> Generator[Sequence[str], None, None]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise SheetError("无法识别 CSV 文件的编码，请另存为 UTF-8")
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error as exc:
        raise SheetError(f"CSV 文件第{reader.line_num}行格式有误，无法读取") from exc


# ---------------------------------------------------------------- checking


def _code_problem(code: str, kind: str) -> str:
    shown = code if len(code) <= 40 else code[:40] + "…"
    if kind == OrgKind.SCHOOL:
        if not SCHOOL_CODE.fullmatch(code):
            return f"学校的单位代码应为10位数字的学校标识码，而不是“{shown}”"
    elif not UNIT_CODE.fullmatch(code):
        return f"单位代码“{shown}”只能由字母、数字、-、_ 组成，且不超过32个字符"
    return ""


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


def org_import(
    *,
    records: list[dict[str, str]],
    actor: User | None = None,
    request: HttpRequest | None = None,
    on_progress: Progress | None = None,
    job_id: int | None = None,
) -> ImportResult:
    """Validate every row, then write all of them in one transaction, or nothing.

    ``actor`` None is the command line (an operator, no subtree). ``on_progress(done,
    total)`` is called while the new accounts' passwords are hashed (the slow part, done
    before the write transaction so that the progress is visible to other connections).
    """
    rows, errors = _parse(records)
    if not rows and not errors:
        raise ImportRejected(["表格中没有数据行"])
    existing = {
        org.code: org
        for org in Organization.objects.select_related("parent").filter(
            code__in=[r.code for r in rows]
        )
    }
    parents = {
        org.code: org
        for org in Organization.objects.filter(code__in=[r.parent for r in rows if r.parent])
    }
    sheet_rows = {row.code: row for row in rows}
    own = user_unit(actor) if actor is not None else None
    scope = None
    if actor is not None and not actor.is_superuser:
        scope = own
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
        problem = _unit_scope_problem(row, existing.get(row.code), parents, sheet_rows, own, scope)
        if problem:
            errors.append(f"第{row.line}行：{problem}")
    users = _existing_users(rows)
    for row in rows:
        if not row.username:
            continue
        user = users.get(row.username)
        problem = (
            _account_problem(row.username, user, scope)
            if user is not None
            else _password_problem(row)
        )
        if problem:
            errors.append(f"第{row.line}行：{problem}")
    errors.extend(_cycles(rows))
    if errors:
        raise ImportRejected(sorted(set(errors), key=_line_of))
    hashed = _hash_new_passwords(rows, users, on_progress)
    return _write(
        rows,
        existing,
        parents,
        users=users,
        hashed=hashed,
        scope=scope,
        actor=actor,
        request=request,
        job_id=job_id,
    )


def _in(unit: Organization, scope: Organization) -> bool:
    return unit.path.startswith(scope.path)


def _unit_scope_problem(
    row: _Row,
    target: Organization | None,
    parents: dict[str, Organization],
    sheet_rows: dict[str, _Row],
    own: Organization | None,
    scope: Organization | None,
) -> str:
    """Why this row may not create or change its unit, or "" (see the module docstring)."""
    if own is not None and target is not None and target.pk == own.pk:
        current = target.parent.code if target.parent_id else ""
        if row.parent != current:
            return f"不能更改本账号所属单位“{target.code}”的上级单位"
        return ""
    if scope is None:
        return ""
    if target is not None and not _in(target, scope):
        return f"单位“{row.code}”不在您的管辖范围内"
    if row.parent in sheet_rows:
        return ""  # that row is checked in turn; cycles are refused
    parent = parents.get(row.parent)
    if not row.parent or (parent is not None and not _in(parent, scope)):
        return "上级单位必须在您的管辖范围内"
    return ""


def _existing_users(rows: list[_Row]) -> dict[str, User]:
    names = [row.username for row in rows if row.username]
    return {
        user.username: user
        for user in User.objects.select_related("membership__organization").filter(
            username__in=names
        )
    }


def _account_problem(username: str, user: User, scope: Organization | None) -> str:
    """Why an import may not change this existing account, or ""."""
    if user.is_staff or user.is_superuser:
        return f"账号“{username}”是系统管理账号，不能通过导入修改"
    if scope is not None:
        membership = user.membership_or_none
        if membership is None or not _in(membership.organization, scope):
            return f"账号“{username}”已存在且不在您的管辖范围内"
    return ""


def _password_problem(row: _Row) -> str:
    if not row.password:
        return ""
    probe = User(username=row.username, first_name=row.full_name[:150], email=row.email)
    try:
        validate_password(row.password, user=probe)
    except ValidationError as exc:
        return "初始密码不符合要求：" + "".join(_chinese(error) for error in exc.error_list)
    return ""


def _chinese(error: ValidationError) -> str:
    """Django 5.2's zh-hans catalogue lacks the new wording of the length rule."""
    if error.code == "password_too_short":
        return f"这个密码太短了，至少要有 {(error.params or {}).get('min_length', 8)} 个字符。"
    return " ".join(error.messages)


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


# ---------------------------------------------------------------- writing


def _hash_new_passwords(
    rows: list[_Row], users: dict[str, User], on_progress: Progress | None
) -> dict[str, tuple[str, str]]:
    """username → (clear password if generated else "", hash) for every account to create."""
    new = [row for row in rows if row.username and row.username not in users]
    hashed: dict[str, tuple[str, str]] = {}
    if on_progress is not None:
        on_progress(0, len(new))
    for done, row in enumerate(new, start=1):
        generated = "" if row.password else generate_password()
        hashed[row.username] = (generated, make_password(row.password or generated))
        if on_progress is not None:
            on_progress(done, len(new))
    return hashed


@transaction.atomic
def _write(
    rows: list[_Row],
    existing: dict[str, Organization],
    parents: dict[str, Organization],
    *,
    users: dict[str, User],
    hashed: dict[str, tuple[str, str]],
    scope: Organization | None,
    actor: User | None,
    request: HttpRequest | None,
    job_id: int | None,
) -> ImportResult:
    result = ImportResult()
    resolved = {**parents, **existing}
    pending = list(rows)
    moved = False  # once a subtree moved, the paths held in memory may be stale
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
                moved = moved or org.parent_id != (parent.pk if parent else None)
            if moved:
                for unit in (org, parent):
                    if unit is not None and unit.pk is not None:
                        unit.refresh_from_db(fields=["path", "depth"])
            org.name, org.kind, org.parent = row.name, row.kind, parent
            org.school_type, org.boarding = row.school_type, row.boarding
            try:
                org.save()
            except ValueError as exc:  # Organization.save refuses a unit under its own subtree
                raise ImportRejected([f"第{row.line}行：上级单位不能是本单位的下级单位"]) from exc
            resolved[row.code] = org
            progressed.append(row)
        if not progressed:  # guarded by _cycles; never loop forever
            raise ImportRejected([f"第{row.line}行：上级单位无法解析" for row in pending])
        pending = [row for row in pending if row not in progressed]
    for row in rows:
        if row.username:
            _write_account(row, resolved[row.code], result, users, hashed, scope)
    detail = {
        "units_created": result.units_created,
        "units_updated": result.units_updated,
        "users_created": result.users_created,
        "users_updated": result.users_updated,
    }
    if job_id is not None:
        detail["job"] = job_id
    audit_record(
        action="org_import",
        actor=actor,
        target=f"{len(rows)} 行",
        organization=scope,
        detail=detail,
        request=request,
    )
    return result


def _write_account(
    row: _Row,
    org: Organization,
    result: ImportResult,
    users: dict[str, User],
    hashed: dict[str, tuple[str, str]],
    scope: Organization | None,
) -> None:
    user = (
        User.objects.select_for_update(of=("self",))
        .select_related("membership__organization")
        .filter(username=row.username)
        .first()
    )
    # The checks are made again under the row lock: the account may have changed (or been
    # created) since the sheet was validated.
    if user is not None and (
        row.username not in users or _account_problem(row.username, user, scope)
    ):
        raise ImportRejected([f"第{row.line}行：账号“{row.username}”在导入期间被修改，请重新导入"])
    if user is None:
        generated, password_hash = hashed.get(row.username) or ("", "")
        if not password_hash:  # deleted since it was validated: create it after all
            generated = "" if row.password else generate_password()
            password_hash = make_password(row.password or generated)
        user = User(username=row.username, must_change_password=True, password=password_hash)
        if generated:
            result.generated_passwords.append((row.username, generated))
        result.users_created += 1
    else:
        result.users_updated += 1
    user.first_name = row.full_name[:150]
    user.email = row.email
    user.save()
    Membership.objects.update_or_create(user=user, defaults={"organization": org, "role": row.role})

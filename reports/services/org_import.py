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

Reading the sheet is :mod:`reports.services.org_sheet`'s. Large sheets run as a background
job (``reports.bureau.import_jobs``); the work done here is the same for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from reports.audit import audit_record
from reports.choices import OrgKind
from reports.models import Membership, Organization, User
from reports.selectors import user_unit
from reports.services.accounts import generate_password
from reports.services.org_rows import SheetRow, parse_rows

Progress = Callable[[int, int], None]


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


# ---------------------------------------------------------------- checking


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
    rows, errors = parse_rows(records)
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
    row: SheetRow,
    target: Organization | None,
    parents: dict[str, Organization],
    sheet_rows: dict[str, SheetRow],
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


def _existing_users(rows: list[SheetRow]) -> dict[str, User]:
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


def _password_problem(row: SheetRow) -> str:
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


def _cycles(rows: list[SheetRow]) -> list[str]:
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
    rows: list[SheetRow], users: dict[str, User], on_progress: Progress | None
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
    rows: list[SheetRow],
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
    row: SheetRow,
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

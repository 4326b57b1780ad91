"""Account writes that are not an import: the admin's "重置密码" (password recovery).

Decisions:
- Recovery goes through an administrator of the account's own subtree, never through an
  address an attacker could have written into the account: the admin resets, the portal
  generates a one-time password shown once on the resulting page (never stored in clear,
  never in the audit log), and the account must change it at its next login.
- Who may reset whom (``accounts_resettable_by``): an admin (role 管理员) resets accounts
  whose membership lies in the admin's subtree, their own excepted (they use 修改密码);
  staff and superuser accounts only by a superuser. Everything else answers 404 in the view.
- Setting a new password changes the session hash, so the account's open sessions end.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from reports.audit import audit_record
from reports.choices import Role
from reports.models import User
from reports.passwords import character_classes
from reports.selectors import has_role, scope_to_user

# No 0/O, 1/l/I: the password is read off a screen and typed by someone else.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 12


def generate_password() -> str:
    """A random one-time password (about 70 bits) that passes the password validators:
    at least one upper case letter, one lower case letter and one digit (three classes)."""
    while True:
        password = "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_LENGTH))
        if character_classes(password) >= 3:
            return password


def accounts_resettable_by(actor: User) -> QuerySet[User]:
    """The accounts whose password ``actor`` may reset (see the module docstring)."""
    if not actor.is_authenticated or not has_role(actor, Role.ADMIN):
        return User.objects.none()
    users = User.objects.exclude(pk=actor.pk)
    if actor.is_superuser:
        return users
    users = users.filter(is_staff=False, is_superuser=False)
    return scope_to_user(users, actor, via="membership__organization")


@transaction.atomic
def account_password_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> str:
    """Give ``user`` a new one-time password, force its change at next login, audit it.

    Returns the password, to be shown once to ``actor``; raises ``PermissionDenied`` when
    ``actor`` may not reset this account.
    """
    target = accounts_resettable_by(actor).select_for_update().filter(pk=user.pk).first()
    if target is None:
        raise PermissionDenied("无权重置该账号的密码")
    password = generate_password()
    target.set_password(password)
    target.must_change_password = True
    target.save(update_fields=["password", "must_change_password"])
    membership = target.membership_or_none
    audit_record(
        action="password_reset",
        actor=actor,
        target=target.username,
        organization=membership.organization if membership else None,
        detail={"user": target.pk, "by": "admin"},
        request=request,
    )
    _unlock(target.username)
    return password


def _unlock(username: str) -> None:
    """Lift a login lock (django-axes) on the account: the owner is about to log in."""
    from axes.utils import reset

    reset(username=username)

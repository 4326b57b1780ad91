"""Receivers that turn the signals Django and django-axes already send into audit rows.

Connected in ``ReportsConfig.ready`` (``connect_receivers``). Each goes through
``reports.audit.audit_record``. What is recorded:

- logins (with user agent), failed logins (the username tried), logouts, axes lockouts;
- accounts created, disabled, re-enabled, deleted, given or stripped of staff/superuser
  status or groups and permissions (any path: import, admin site, shell);
- memberships (role at a unit) created, changed, deleted — by any path;
- Django admin-site add/change/delete (its ``LogEntry``), with the change message.

Explicit calls elsewhere cover what no signal carries: password change and admin reset
(``reports.views``, ``reports.services.accounts``), API tokens
(``reports.dashboards.views.api_token``, ``reports.dashboards.api_auth``), exports.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest

from reports.audit import audit_record
from reports.choices import AuditResult
from reports.models import Membership, User

_PRIVILEGE_FIELDS = ("is_active", "is_staff", "is_superuser")
_LOGOUT_ACTIONS = {"idle": "session_idle_timeout", "replaced": "session_replaced"}
_ADMIN_ACTIONS = {ADDITION: "admin_add", CHANGE: "admin_change", DELETION: "admin_delete"}


def _unit_of(user: User | None):
    membership = user.membership_or_none if user is not None and user.pk else None
    return membership.organization if membership else None


def on_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(
        action="login",
        actor=user,
        target=user.username,
        organization=_unit_of(user),
        request=request,
    )


def on_logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is None:  # logging out an anonymous session: nothing happened
        return
    reason = getattr(request, "_logout_reason", "") if request is not None else ""
    audit_record(
        action=_LOGOUT_ACTIONS.get(reason, "logout"),
        actor=user,
        target=user.username,
        organization=_unit_of(user),
        request=request,
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    known = User.objects.filter(username=username).first() if username else None
    audit_record(
        action="login_failed",
        actor=None,
        actor_name=username,
        target=username,
        organization=_unit_of(known),
        request=request,
        result=AuditResult.FAILURE,
        detail={"known_account": known is not None},
    )


def on_locked_out(sender: Any, request: HttpRequest | None, username: str, **kwargs: Any) -> None:
    known = User.objects.filter(username=username).first() if username else None
    audit_record(
        action="lockout",
        actor=None,
        actor_name=username or "",
        target=username or "",
        organization=_unit_of(known),
        request=request,
        result=AuditResult.FAILURE,
        detail={"ip": kwargs.get("ip_address")},
    )


def before_user_save(sender: Any, instance: User, update_fields=None, **kwargs: Any) -> None:
    """Remember the privilege fields as stored, to tell what this save changes."""
    if instance.pk is None or (
        update_fields is not None and not set(update_fields) & set(_PRIVILEGE_FIELDS)
    ):
        instance._audit_before = None
        return
    instance._audit_before = User.objects.filter(pk=instance.pk).values(*_PRIVILEGE_FIELDS).first()


def after_user_save(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    if created:
        audit_record(
            action="account_create",
            actor=None,
            target=instance.username,
            detail={"staff": instance.is_staff, "superuser": instance.is_superuser},
        )
        return
    before = getattr(instance, "_audit_before", None)
    if not before:
        return
    changed = {
        f: [before[f], getattr(instance, f)]
        for f in _PRIVILEGE_FIELDS
        if before[f] != getattr(instance, f)
    }
    instance._audit_before = None
    if not changed:
        return
    if list(changed) == ["is_active"]:
        action = "account_enable" if instance.is_active else "account_disable"
    else:
        action = "account_privilege_change"
    audit_record(
        action=action,
        actor=None,
        target=instance.username,
        organization=_unit_of(instance),
        detail={"changed": changed},
    )


def after_user_delete(sender: Any, instance: User, **kwargs: Any) -> None:
    audit_record(action="account_delete", actor=None, target=instance.username)


def on_user_m2m(sender: Any, instance: Any, action: str, pk_set=None, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, User):
        return
    audit_record(
        action="account_privilege_change",
        actor=None,
        target=instance.username,
        organization=_unit_of(instance),
        detail={
            "relation": sender._meta.db_table,
            "change": action[5:],
            "ids": sorted(pk_set or []),
        },
    )


def before_membership_save(sender: Any, instance: Membership, **kwargs: Any) -> None:
    instance._audit_before = (
        Membership.objects.filter(pk=instance.pk).values("role", "organization_id").first()
        if instance.pk
        else None
    )


def _member_label(instance: Membership) -> tuple[str, str]:
    """(username, "username · role · unit") without failing while the account is deleted."""
    user = User.objects.filter(pk=instance.user_id).values_list("username", flat=True).first()
    username = user or f"#{instance.user_id}"
    unit = instance.organization if instance.organization_id else ""
    return username, f"{username} · {instance.get_role_display()} · {unit}"


def after_membership_save(sender: Any, instance: Membership, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    now = {"role": instance.role, "organization_id": instance.organization_id}
    if not created and before == now:
        return
    _, label = _member_label(instance)
    audit_record(
        action="membership_create" if created else "membership_change",
        actor=None,
        target=label,
        organization=instance.organization,
        detail={"from": before or {}, "to": now},
    )


def after_membership_delete(sender: Any, instance: Membership, **kwargs: Any) -> None:
    _, label = _member_label(instance)
    audit_record(
        action="membership_delete",
        actor=None,
        target=label,
        organization=instance.organization,
        detail={"role": instance.role, "organization_id": instance.organization_id},
    )


def after_admin_log(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    kind = instance.content_type.name if instance.content_type else ""
    audit_record(
        action=_ADMIN_ACTIONS.get(instance.action_flag, "admin_change"),
        actor=instance.user,
        target=f"{kind} · {instance.object_repr}",
        detail={
            "content_type": instance.content_type_id,
            "object_id": instance.object_id,
            "message": instance.get_change_message(),
        },
    )


def connect_receivers() -> None:
    """Called once from ``ReportsConfig.ready``."""
    uid = "reports.security_audit."
    user_logged_in.connect(on_logged_in, dispatch_uid=uid + "login")
    user_logged_out.connect(on_logged_out, dispatch_uid=uid + "logout")
    user_login_failed.connect(on_login_failed, dispatch_uid=uid + "login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid=uid + "locked_out")
    pre_save.connect(before_user_save, sender=User, dispatch_uid=uid + "user_pre")
    post_save.connect(after_user_save, sender=User, dispatch_uid=uid + "user_post")
    post_delete.connect(after_user_delete, sender=User, dispatch_uid=uid + "user_delete")
    m2m_changed.connect(on_user_m2m, sender=User.groups.through, dispatch_uid=uid + "groups")
    m2m_changed.connect(
        on_user_m2m, sender=User.user_permissions.through, dispatch_uid=uid + "perms"
    )
    pre_save.connect(before_membership_save, sender=Membership, dispatch_uid=uid + "member_pre")
    post_save.connect(after_membership_save, sender=Membership, dispatch_uid=uid + "member_post")
    post_delete.connect(
        after_membership_delete, sender=Membership, dispatch_uid=uid + "member_delete"
    )
    post_save.connect(after_admin_log, sender=LogEntry, dispatch_uid=uid + "admin_log")

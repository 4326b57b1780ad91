"""Writing the audit log. Reading it goes through ``selectors.audit_events_visible_to``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from reports.models import AuditEvent, Organization, User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def audit_record(
    *,
    action: str,
    actor: User | None,
    target: str = "",
    organization: Organization | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        target=target[:255],
        organization=organization,
        detail=detail or {},
        ip_address=client_ip(request),
    )

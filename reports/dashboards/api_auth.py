"""API token authentication that refuses impossible keys before querying.

DRF's ``TokenAuthentication`` looks any header value up in the database; PostgreSQL refuses
a NUL byte in text, so ``Authorization: Token a\\x00b`` answered 500. A key is 40 lowercase
hexadecimal characters (``Token.generate_key``): anything else is an invalid token (401).
"""

from __future__ import annotations

import hashlib
import re

from django.core.cache import cache
from django.utils import timezone
from rest_framework import authentication, exceptions

from reports.audit import audit_record
from reports.models import AuditEvent
from reports.selectors import user_unit

KEY_RE = re.compile(r"[0-9a-f]{40}")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        if not KEY_RE.fullmatch(key):
            raise exceptions.AuthenticationFailed("令牌无效")
        user, token = super().authenticate_credentials(key)
        _record_daily_use(user, key, getattr(self, "_request", None))
        return user, token

    def authenticate(self, request):
        self._request = request
        return super().authenticate(request)


def _record_daily_use(user, key: str, request=None) -> None:
    """Token use is audited once per token per day (its first request: time, IP, path):
    an API client may call thousands of times a day, and the log is append-only. The key
    itself never enters the log, only its last four characters."""
    today = timezone.localdate().isoformat()
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    if not cache.add(f"api-token-use:{digest}:{today}", 1, timeout=26 * 3600):
        return
    target = f"{user.username} · …{key[-4:]}"
    if AuditEvent.objects.filter(action="api_token_use", target=target, detail__day=today).exists():
        return
    audit_record(
        action="api_token_use",
        actor=user,
        target=target,
        organization=user_unit(user),
        detail={"day": today, "path": request.path if request is not None else ""},
        request=request,
    )

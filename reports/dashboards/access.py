"""Who may open the dashboard pages, and the ids they read from the query string."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from reports.models import User
from reports.selectors import is_bureau_staff


def require_staff(user: User) -> None:
    """Bureau accounts only (reviewers, supervisors, admins); anyone else gets 403."""
    if not is_bureau_staff(user):
        raise PermissionDenied


def int_param(value: str | None) -> int:
    """An id from the query string; 0 (matches nothing) when it is missing or not a number."""
    try:
        return int(value or "")
    except ValueError:
        return 0

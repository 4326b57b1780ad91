"""Who may open which report on the review pages: out of scope → 404, wrong role → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from reports.models import (
    Report,
)
from reports.selectors import (
    is_bureau_staff,
    reports_visible_to,
)
from reports.workflow import (
    can_review,
)


def require_staff(request: HttpRequest) -> None:
    if not is_bureau_staff(request.user):
        raise PermissionDenied(
            "审核页面供教育局的审核员、上级查看和管理员使用；学校请在首页查看本校报告"
        )


def visible_report(request: HttpRequest, pk: int) -> Report:
    """Out of the user's subtree → 404 (before any role check, so nothing leaks)."""
    return get_object_or_404(
        reports_visible_to(request.user).select_related("organization__parent"), pk=pk
    )


def reviewable_report(request: HttpRequest, pk: int) -> Report:
    report = visible_report(request, pk)
    if not can_review(request.user, report):
        raise PermissionDenied(
            "只有学校上级教育局的审核员和管理员可以审核这份报告；上级查看账号只能阅读"
        )
    return report


def posted_version_number(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version_number", ""))
    except ValueError:
        return -1

"""Which report a page may open: one in the user's subtree, else 404 (nothing leaks)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from reports.models import Report
from reports.selectors import reports_visible_to


def visible_report(request: HttpRequest, pk: int) -> Report:
    return get_object_or_404(reports_visible_to(request.user), pk=pk)

"""The 400 page (``handler400``): a request too large to read gets a Chinese explanation.

Django refuses a body past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``RequestDataTooBig``) or with
more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields (``TooManyFieldsSent``) before any view
runs, so nothing of it is saved; the page says so and how to proceed. An htmx autosave gets
the status-line fragment instead (413), which the report form shows without touching the
text typed in the page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports.limits import MAX_SECTION_CHARS

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    too_large = isinstance(exception, TOO_LARGE)
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    context = {
        "too_large": too_large,
        "size_mb": f"{size / 1024 / 1024:.1f}",
        "limit_mb": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:.0f}",
        "section_max": f"{MAX_SECTION_CHARS:,}",
    }
    status = 413 if too_large else 400
    if too_large and request.headers.get("HX-Request") == "true":
        return render(request, "reports/_save_status.html", context, status=status)
    return render(request, "400.html", context, status=status)

"""The API-token page: a bureau account creates, rotates or revokes its token and sees how to
call the read-only API.

The full key is shown once, in the answer to the POST that created it (the page says so);
afterwards the page shows only its last four characters. Creating, rotating and revoking are
audited (``api_token_create`` / ``api_token_rotate`` / ``api_token_revoke``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from reports.audit import audit_record
from reports.dashboards.access import require_staff
from reports.selectors import user_unit


def _audit(request: HttpRequest, action: str) -> None:
    audit_record(
        action=action,
        actor=request.user,
        target=request.user.username,
        organization=user_unit(request.user),
        request=request,
    )


@require_http_methods(["GET", "POST"])
@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    existing = Token.objects.filter(user=request.user).first()
    new_key = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke" or request.POST.get("revoke"):
            if existing is not None:
                existing.delete()
                _audit(request, "api_token_revoke")
                messages.success(request, "令牌已吊销，使用它的程序将无法再访问接口。")
            return redirect("api_token")
        had_token, _ = Token.objects.filter(user=request.user).delete()
        existing = Token.objects.create(user=request.user)
        new_key = existing.key
        _audit(request, "api_token_rotate" if had_token else "api_token_create")
    base = request.build_absolute_uri("/api/")
    return render(
        request,
        "dashboards/api_token.html",
        {"token": existing, "new_key": new_key, "api_base": base},
    )

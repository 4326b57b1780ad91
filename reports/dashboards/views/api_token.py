"""The API-token page: a bureau account creates or rotates its token and sees how to call
the read-only API."""

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


@require_http_methods(["GET", "POST"])
@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """A bureau account creates or rotates its API token and sees how to call the API."""
    require_staff(request.user)
    if request.method == "POST":
        had_token, _ = Token.objects.filter(user=request.user).delete()
        revoke = bool(request.POST.get("revoke"))
        if not revoke:
            Token.objects.create(user=request.user)
        action = (
            "api_token_revoke"
            if revoke
            else ("api_token_rotate" if had_token else "api_token_create")
        )
        audit_record(
            action=action,
            actor=request.user,
            target=request.user.username,
            organization=user_unit(request.user),
            request=request,
        )
        if revoke:
            messages.success(request, "接口令牌已吊销，使用它的调用立即失效。")
        else:
            messages.success(request, "已生成新的接口令牌，旧令牌立即失效。")
        return redirect("api_token")
    token = Token.objects.filter(user=request.user).first()
    base = request.build_absolute_uri("/api/")
    return render(request, "dashboards/api_token.html", {"token": token, "api_base": base})

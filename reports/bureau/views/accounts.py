"""重置密码: an admin resets the password of an account in their subtree."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from reports.choices import Role
from reports.selectors import has_role, units_visible_to
from reports.services.accounts import account_password_reset, accounts_resettable_by


@require_POST
@login_required
@never_cache
def member_password_reset(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """重置密码: an admin gives an account of their subtree a one-time password, shown once."""
    unit = get_object_or_404(units_visible_to(request.user), pk=pk)
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied
    target = get_object_or_404(
        accounts_resettable_by(request.user), pk=user_pk, membership__organization=unit
    )
    password = account_password_reset(actor=request.user, user=target, request=request)
    return render(
        request,
        "bureau/member_password_reset.html",
        {"unit": unit, "target": target, "password": password},
    )

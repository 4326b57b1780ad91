"""The org tree: the list of units below one's own, and a unit's page with its members."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from reports.selectors import is_bureau_staff, units_visible_to
from reports.services.accounts import accounts_resettable_by


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    if not is_bureau_staff(request.user):
        raise PermissionDenied
    units = units_visible_to(request.user).select_related("parent")
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "bureau/org_list.html", {"page": page, "q": query})


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(units_visible_to(request.user), pk=pk)
    children = unit.children.all()
    members = unit.memberships.select_related("user") if is_bureau_staff(request.user) else []
    resettable = set(
        accounts_resettable_by(request.user)
        .filter(membership__organization=unit)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "bureau/org_detail.html",
        {"unit": unit, "children": children, "members": members, "resettable": resettable},
    )

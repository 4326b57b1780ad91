"""The navbar menu, fitted to the user's role."""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from reports.choices import Role
from reports.selectors import user_role, user_unit

MENU: list[tuple[str, str, tuple[str, ...]]] = [
    # (label, url name, roles that see it); superusers see everything
    ("首页", "home", (Role.SUBMITTER, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)),
    ("填报任务", "campaign_list", (Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)),
    ("审核", "review_queue", (Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)),
    ("整改跟踪", "rectification_followup", (Role.REVIEWER, Role.ADMIN)),
    ("统计", "dashboard", (Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)),
    ("导出", "export_list", (Role.REVIEWER, Role.ADMIN)),
    ("单位", "org_list", (Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)),
    ("导入单位和账号", "org_import", (Role.ADMIN,)),
    # Separation of duties: the auditor reads the log, the admin does not (selectors).
    ("审计日志", "audit_log", (Role.AUDITOR,)),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = user_role(user)
    items = []
    for label, name, roles in MENU:
        if not (user.is_superuser or role in roles):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a page not built yet
            continue
        items.append({"label": label, "url": url, "active": request.path == url})
    unit = user_unit(user)
    return {
        "nav_items": items,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
        "nav_unit": unit,
        "nav_role": Role(role).label if role else ("系统运维" if user.is_superuser else ""),
    }

"""Writing the audit log, the one helper every audited event goes through, and its pruning.

Reading it goes through ``selectors.audit_events_visible_to``; the security events (logins,
passwords, roles, tokens, admin-site edits) are recorded by the receivers of
``reports.security_audit``. Each row: time, type (``action``), subject (``actor`` and
``actor_name``), object (``target``, ``organization``), result, IP and user agent.

Every row is also written to the ``reports.audit`` logger (one JSON line), so a deployer can
ship a copy off the machine (syslog, a log collector) that no database account can alter.

Retention (网络安全法 art. 21: network logs at least six months): ``audit_prune`` removes
rows older than ``AUDIT_RETENTION_DAYS`` (default 180, never less) through the database
function ``reports_audit_prune`` — the one DELETE the trigger of migration 0015 allows, and
only for rows older than 180 days — and records its own row.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from reports.choices import AuditResult
from reports.models import AuditEvent, Organization, User

log = logging.getLogger("reports.audit")

# The legal floor (six months): the database trigger refuses to delete younger rows whatever
# the setting says, and settings refuse a smaller AUDIT_RETENTION_DAYS.
MIN_RETENTION_DAYS = 180

# Chinese names of the actions, for the log page and its export.
ACTION_LABELS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "lockout": "账号锁定（多次登录失败）",
    "session_idle_timeout": "会话超时退出",
    "session_replaced": "会话被新登录替换",
    "password_change": "修改密码",
    "password_expired": "密码过期须修改",
    "password_reset": "重置密码",
    "account_create": "新建账号",
    "account_disable": "停用账号",
    "account_enable": "启用账号",
    "account_privilege_change": "账号权限变更",
    "account_delete": "删除账号",
    "membership_create": "分配角色",
    "membership_change": "变更角色或单位",
    "membership_delete": "撤销角色",
    "api_token_create": "创建接口令牌",
    "api_token_rotate": "更换接口令牌",
    "api_token_revoke": "吊销接口令牌",
    "api_token_use": "使用接口令牌（每令牌每日首次）",
    "admin_add": "后台新增",
    "admin_change": "后台修改",
    "admin_delete": "后台删除",
    "audit_prune": "清理过期审计日志",
    "audit_export": "导出审计日志",
    "export_request": "申请导出",
    "export_download": "下载导出文件",
    "org_import": "导入单位和账号",
    "org_import_queued": "导入任务排队",
    "org_import_passwords_cleared": "清除导入生成的密码",
    "campaign_create": "新建填报任务",
    "campaign_edit": "修改填报任务",
    "campaign_delete": "删除填报任务",
    "campaign_publish": "发布填报任务",
    "campaign_close": "关闭填报任务",
    "report_submit": "提交报告",
    "report_open_review": "开始审核",
    "report_approve": "审核通过",
    "report_return": "退回修改",
    "report_reopen": "重新打开",
    "rectification_create": "登记整改事项",
    "rectification_update": "更新整改事项",
    "rectification_verify": "核实整改",
    "rectification_send_back": "整改退回",
    "reference_text_create": "新增范文",
    "reference_text_edit": "修改范文",
    "reference_text_delete": "删除范文",
}


# The request being served (set by ``middleware.AuditContextMiddleware``): rows written by
# model signals (an account created in the Django admin, a role changed) get its user as
# subject and its IP; a worker or the shell has none and the subject stays empty ("系统").
_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def bind_request(request: HttpRequest | None):
    """Make ``request`` the current one; returns the token for ``unbind_request``."""
    return _current_request.set(request)


def unbind_request(token) -> None:
    _current_request.reset(token)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def audit_record(
    *,
    action: str,
    actor: User | None,
    target: str = "",
    organization: Organization | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    result: str = AuditResult.SUCCESS,
    actor_name: str = "",
) -> AuditEvent:
    """Write one audit row. ``actor_name`` names a subject that is no account (the username
    tried at a failed login); by default it is the actor's username, kept after deletion.
    Without ``request`` the current request (if any) gives the IP and, when neither
    ``actor`` nor ``actor_name`` is given, the subject."""
    if request is None:
        request = _current_request.get()
        if actor is None and not actor_name and request is not None:
            actor = getattr(request, "user", None)
    known = actor if actor is not None and actor.is_authenticated else None
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    event = AuditEvent.objects.create(
        action=action,
        actor=known,
        actor_name=(actor_name or (known.username if known else ""))[:150],
        target=target[:255],
        organization=organization,
        detail=detail or {},
        result=result,
        ip_address=client_ip(request),
        user_agent=agent[:255],
    )
    log.info(
        json.dumps(
            {
                "id": event.pk,
                "action": action,
                "actor": event.actor_name,
                "target": event.target,
                "unit": organization.code if organization else "",
                "result": result,
                "ip": event.ip_address,
            },
            ensure_ascii=False,
        )
    )
    return event


def retention_days() -> int:
    return max(
        int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)), MIN_RETENTION_DAYS
    )


@transaction.atomic
def audit_prune(*, now: Any = None) -> int:
    """Delete rows older than the retention and record how many went; returns the count.

    On PostgreSQL the delete runs inside ``reports_audit_prune(days)``, the only path the
    trigger lets through; elsewhere (the SQLite demo) an ORM delete does the same.
    """
    days = retention_days()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reports_audit_prune(%s)", [days])
            removed = int(cursor.fetchone()[0])
    else:
        cutoff = (now or timezone.now()) - timedelta(days=days)
        removed, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    audit_record(
        action="audit_prune",
        actor=None,
        actor_name="系统",
        target=f"{days} 天以前的审计日志",
        detail={"removed": removed, "retention_days": days},
    )
    return removed

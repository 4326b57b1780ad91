"""Writes on a 填报任务 before it is published: create, edit, delete, and the notice file kept
across a form that failed validation. Publishing and closing are in ``services.reports``.

A notice file uploaded with a form that is refused for another reason (a past deadline, say)
is stored under ``MEDIA_ROOT/notices/pending/<user id>/<token>/`` and the form carries the
token in a hidden field, so the clerk need not choose the file again. Only the user who
uploaded it can claim it; a claimed file is copied into the task and the pending copy removed.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from reports.audit import audit_record
from reports.choices import CampaignStatus
from reports.models import Campaign, ChecklistItemDefinition, IndicatorDefinition, User
from reports.rules import WorkflowError

PENDING_DIR = "notices/pending"
PENDING_KEEP = timedelta(days=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _pending_dir(user: User, token: str) -> str | None:
    if not token or not _TOKEN.match(token):
        return None
    return f"{PENDING_DIR}/{user.pk}/{token}"


def pending_notice_store(*, user: User, upload: Any) -> str:
    """Keep an uploaded notice file for this user's next submit; return its token.
    The user's kept files older than ``PENDING_KEEP`` are removed first (abandoned forms)."""
    _purge_pending(user)
    token = secrets.token_urlsafe(24)
    name = PurePosixPath(upload.name).name or "notice"
    upload.seek(0)
    default_storage.save(f"{_pending_dir(user, token)}/{name}", ContentFile(upload.read()))
    upload.seek(0)
    return token


def _purge_pending(user: User) -> None:
    root = f"{PENDING_DIR}/{user.pk}"
    try:
        tokens, _ = default_storage.listdir(root)
    except (FileNotFoundError, NotADirectoryError):
        return
    cutoff = timezone.now() - PENDING_KEEP
    for token in tokens:
        _, files = default_storage.listdir(f"{root}/{token}")
        for name in files:
            path = f"{root}/{token}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)


def pending_notice_name(*, user: User, token: str) -> str | None:
    """The file name behind a token of this user, or None (unknown, foreign or malformed)."""
    folder = _pending_dir(user, token)
    if folder is None:
        return None
    try:
        _, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return files[0] if files else None


def pending_notice_take(*, user: User, token: str) -> ContentFile | None:
    """The kept file as a new upload (read into memory, then the pending copy removed)."""
    name = pending_notice_name(user=user, token=token)
    if name is None:
        return None
    path = f"{_pending_dir(user, token)}/{name}"
    with default_storage.open(path, "rb") as handle:
        content = ContentFile(handle.read(), name=name)
    default_storage.delete(path)
    return content


def _summary(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "topic": campaign.topic,
        "target_unit": campaign.target_unit.code,
        "school_types": list(campaign.target_school_types),
        "opens_at": timezone.localtime(campaign.opens_at).isoformat(timespec="minutes"),
        "deadline": timezone.localtime(campaign.deadline).isoformat(timespec="minutes"),
        "sections": [s["title"] for s in campaign.sections],
        "indicators": sorted(campaign.indicators.values_list("code", flat=True)),
        "checklist": sorted(campaign.checklist_items.values_list("code", flat=True)),
        "notice_file": bool(campaign.notice_file),
    }


@transaction.atomic
def campaign_save(
    *,
    campaign: Campaign,
    indicators: list[IndicatorDefinition],
    checklist_items: list[ChecklistItemDefinition],
    actor: User,
    request: HttpRequest | None = None,
) -> Campaign:
    """Create a draft task or edit one that is still a draft; audit what changed."""
    creating = campaign.pk is None
    before: dict[str, Any] = {}
    if not creating:
        stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if stored.status != CampaignStatus.DRAFT:
            raise WorkflowError("任务已发布，不能再修改；如需调整请联系学校或新建任务")
        before = _summary(stored)
    campaign.save()
    campaign.indicators.set(indicators)
    campaign.checklist_items.set(checklist_items)
    after = _summary(campaign)
    changed = {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}
    audit_record(
        action="campaign_create" if creating else "campaign_edit",
        actor=actor,
        target=campaign.title,
        organization=campaign.issuer,
        detail={"campaign": campaign.pk, **({"task": after} if creating else {"changes": changed})},
        request=request,
    )
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign, actor: User, request: HttpRequest | None = None) -> None:
    """Delete a task that was never published (no school has seen it)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise WorkflowError("任务已发布，不能删除；不再需要时请关闭任务")
    summary = _summary(campaign)
    issuer, title, pk = campaign.issuer, campaign.title, campaign.pk
    notice = campaign.notice_file.name if campaign.notice_file else ""
    campaign.delete()
    if notice:
        transaction.on_commit(lambda: default_storage.delete(notice))
    audit_record(
        action="campaign_delete",
        actor=actor,
        target=title,
        organization=issuer,
        detail={"campaign": pk, "task": summary},
        request=request,
    )

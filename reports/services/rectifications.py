"""The school's side of the rectification loop (整改闭环) and the history of every item.

A school updates its own items at any time from its page 整改事项 — measures, person
responsible, deadline, status (未整改 / 整改中 / 已整改), an optional note and an evidence file —
whatever the state of the report that raised them. Every change is one ``RectificationEvent``
(the item's history, kept after it is verified) and one audit row. Marking an item 已整改
notifies the reviewers above the school, with a link to the follow-up page where they verify
it. The reviewer's acts (核实, 退回整改) are in ``reports.workflow`` and record their event
through ``record_event`` here.

Decision: 已整改 needs measures (a reviewer cannot verify an empty fix), and a verified item is
closed: the school can no longer change it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest

from reports import notifications
from reports.audit import audit_record
from reports.choices import RectificationEventKind, RectificationStatus
from reports.documents import DocumentError, check_attachment
from reports.models import RectificationEvent, RectificationItem, User
from reports.rules import InvalidTransition, NotAllowed, WorkflowError, can_update_rectification

SCHOOL_STATUSES = (
    RectificationStatus.OPEN,
    RectificationStatus.IN_PROGRESS,
    RectificationStatus.DONE,
)
FIELD_LABELS = {"measure": "整改措施", "owner": "责任人", "due_date": "完成时限", "status": "状态"}


def record_event(
    *,
    item: RectificationItem,
    kind: str,
    actor: User | None,
    from_status: str = "",
    changes: dict[str, Any] | None = None,
    comment: str = "",
    evidence: tuple[bytes, str] | None = None,
) -> RectificationEvent:
    """Append one entry to the item's history (``evidence`` = (data, checked file name))."""
    event = RectificationEvent(
        item=item,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=item.status,
        changes=changes or {},
        comment=comment,
    )
    if evidence is not None:
        data, name = evidence
        event.evidence_name = name
        event.evidence.save(name, ContentFile(data), save=False)
    event.save()
    return event


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def rectification_update(
    *,
    item_id: int,
    actor: User,
    measure: str,
    owner: str,
    due_date: date | None,
    status: str,
    comment: str = "",
    evidence: tuple[bytes, str] | None = None,
    max_bytes: int,
    request: HttpRequest | None = None,
) -> RectificationItem:
    """The school changes its item; nothing is written when nothing changed."""
    item = (
        RectificationItem.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=item_id)
    )
    if item.status == RectificationStatus.VERIFIED:
        raise InvalidTransition("这项整改已经核实，不能再修改")
    if not can_update_rectification(actor, item):
        raise NotAllowed("只有本校的填报员可以更新整改事项")
    if status not in SCHOOL_STATUSES:
        raise InvalidTransition("请选择未整改、整改中或已整改")
    if status == RectificationStatus.DONE and not measure.strip():
        raise WorkflowError("标为“已整改”前请填写采取的整改措施")
    checked = None
    if evidence is not None:
        data, filename = evidence
        try:
            _, safe_name = check_attachment(data, filename, len(data), max_bytes)
        except DocumentError as exc:
            raise WorkflowError(f"佐证材料未保存：{exc}") from exc
        checked = (data, safe_name)
    new = {"measure": measure.strip(), "owner": owner.strip(), "due_date": due_date}
    new["status"] = status
    changes = {
        field: {"from": _value(getattr(item, field)), "to": _value(value)}
        for field, value in new.items()
        if getattr(item, field) != value
    }
    if not changes and checked is None and not comment.strip():
        return item
    from_status = item.status
    for field, value in new.items():
        setattr(item, field, value)
    item.save()
    event = record_event(
        item=item,
        kind=RectificationEventKind.UPDATED,
        actor=actor,
        from_status=from_status,
        changes=changes,
        comment=comment.strip(),
        evidence=checked,
    )
    audit_record(
        action="rectification_update",
        actor=actor,
        target=f"{item.organization} · {item.problem[:60]}",
        organization=item.organization,
        detail={
            "item": item.pk,
            "changes": changes,
            "evidence": event.evidence_name,
            "comment": event.comment,
        },
        request=request,
    )
    if status == RectificationStatus.DONE and from_status != RectificationStatus.DONE:
        transaction.on_commit(lambda: notifications.notify_rectification("done", item.pk, ""))
    return item

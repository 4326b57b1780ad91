"""Writes on campaigns and reports (the state changes themselves live in ``reports.workflow``)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from reports.audit import audit_record
from reports.choices import CampaignStatus, OrgKind, RectificationEventKind, ReportState
from reports.documents import check_attachment
from reports.models import (
    Attachment,
    Campaign,
    Organization,
    RectificationItem,
    Report,
    User,
)
from reports.rules import NotAllowed, WorkflowError, can_edit, return_scope
from reports.selectors import previous_report
from reports.services.rectifications import record_event


class EditConflict(WorkflowError):
    """Someone saved the draft since this editor loaded it."""

    def __init__(self, current: Report) -> None:
        super().__init__(self.message)
        self.current = current

    message = "这份草稿已被他人修改，您的内容没有覆盖对方的内容"


class UnknownRevision(EditConflict):
    """The form sent no usable revision (missing, ``abc``, ``1.5``): it cannot be known
    whether the editor saw the latest draft, so nothing is written."""

    message = (
        "无法确认页面上的内容是否为最新保存的版本（页面版本号无效），本次内容没有保存；"
        "请先复制您刚输入的文字，刷新页面后再保存"
    )


def target_schools(campaign: Campaign):
    schools = Organization.objects.filter(
        kind=OrgKind.SCHOOL, path__startswith=campaign.target_unit.path
    )
    if campaign.target_school_types:
        schools = schools.filter(school_type__in=campaign.target_school_types)
    return schools


@transaction.atomic
def campaign_publish(*, campaign: Campaign, actor: User, request: HttpRequest | None = None) -> int:
    """Make the campaign visible to every target school: one empty report each. Idempotent."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        raise WorkflowError("任务已关闭，不能再发布")
    campaign.status = CampaignStatus.PUBLISHED
    campaign.published_at = campaign.published_at or timezone.now()
    campaign.save(update_fields=["status", "published_at"])
    reports = [Report(campaign=campaign, organization=s) for s in target_schools(campaign)]
    Report.objects.bulk_create(reports, ignore_conflicts=True, batch_size=1000)
    audit_record(
        action="campaign_publish",
        actor=actor,
        target=campaign.title,
        organization=campaign.issuer,
        detail={"schools": len(reports)},
        request=request,
    )
    return len(reports)


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor: User, request: HttpRequest | None = None) -> None:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    audit_record(
        action="campaign_close",
        actor=actor,
        target=campaign.title,
        organization=campaign.issuer,
        request=request,
    )


@transaction.atomic
def report_save_draft(
    *,
    report_id: int,
    actor: User,
    revision: int | None,
    sections: dict[str, str] | None = None,
    indicator_values: dict[str, Any] | None = None,
    checklist_answers: dict[str, dict[str, str]] | None = None,
) -> Report:
    """Save what the school typed. ``revision`` is the one the editor loaded: if someone
    saved something else since, nothing is written and ``EditConflict`` carries the current
    content (a stale save of exactly what is stored is not a conflict); None
    (a malformed revision) is refused the same way, as ``UnknownRevision``."""
    report = Report.objects.select_for_update().select_related("campaign").get(pk=report_id)
    if not can_edit(actor, report):
        raise NotAllowed("这份报告当前不能修改（已提交或不属于本校）")
    if revision is None:
        raise UnknownRevision(report)
    if revision != report.revision:
        if _holds(report, sections, indicator_values, checklist_answers):
            return report  # the same text saved twice (autosave and 提交, two tabs): no conflict
        raise EditConflict(report)
    sections, indicator_values, checklist_answers = _within_return_scope(
        report, sections, indicator_values, checklist_answers
    )
    changed = False
    for field, value in (
        ("sections", sections),
        ("indicator_values", indicator_values),
        ("checklist_answers", checklist_answers),
    ):
        if value is not None and value != getattr(report, field):
            setattr(report, field, value)
            changed = True
    if changed:
        report.revision += 1
        report.updated_by = actor
        report.save()
    return report


def _holds(report: Report, *values: dict[str, Any] | None) -> bool:
    fields = (report.sections, report.indicator_values, report.checklist_answers)
    pairs = zip(values, fields, strict=True)
    return all(value is None or value == stored for value, stored in pairs)


def _within_return_scope(
    report: Report,
    sections: dict[str, str] | None,
    values: dict[str, Any] | None,
    answers: dict[str, dict[str, str]] | None,
) -> tuple[dict[str, str] | None, dict[str, Any] | None, dict[str, dict[str, str]] | None]:
    """A return that named sections reopened only those (and the indicators it named):
    whatever was posted for the rest is ignored, so they stay exactly as submitted."""
    scope = return_scope(report)
    if scope is None:
        return sections, values, answers
    if sections is not None:
        sections = {
            **report.sections,
            **{k: v for k, v in sections.items() if k in scope.sections},
        }
    if values is not None:
        kept = {k: v for k, v in report.indicator_values.items() if k not in scope.indicators}
        values = {**{k: v for k, v in values.items() if k in scope.indicators}, **kept}
    return sections, values, None if answers is None else report.checklist_answers


@transaction.atomic
def report_copy_forward(*, report_id: int, actor: User) -> list[str]:
    """Fill the empty sections and indicator fields from the school's previous report.

    Decision: only empty places are filled, so nothing the school already typed is lost.
    Returns the labels of what was copied.
    """
    report = Report.objects.select_for_update().select_related("campaign").get(pk=report_id)
    if not can_edit(actor, report):
        raise NotAllowed("这份报告当前不能修改")
    previous = previous_report(report)
    if previous is None:
        raise WorkflowError("没有找到本校以前提交过的报告")
    source = previous.versions.order_by("-number").first()
    copied = []
    sections = dict(report.sections)
    old_by_kind = {s["kind"]: s["key"] for s in previous.campaign.sections}
    for section in report.campaign.sections:
        key = section["key"]
        old_key = key if key in source.sections else old_by_kind.get(section["kind"])
        if not (sections.get(key) or "").strip() and (source.sections.get(old_key) or "").strip():
            sections[key] = source.sections[old_key]
            copied.append(section["title"])
    values = dict(report.indicator_values)
    wanted = set(report.campaign.indicators.values_list("code", flat=True))
    for code, value in source.indicator_values.items():
        if code in wanted and values.get(code) is None and value is not None:
            values[code] = value
            copied.append(code)
    if copied:
        report.sections, report.indicator_values = sections, values
        report.revision += 1
        report.updated_by = actor
        report.save()
    return copied


@transaction.atomic
def rectification_save(
    *,
    report: Report,
    actor: User,
    item_id: int | None,
    problem: str,
    measure: str,
    owner: str,
    due_date,
    status: str,
) -> RectificationItem:
    """Add an item to this report, or update one of this school's items (own or carried)."""
    if not can_edit(actor, report):
        raise NotAllowed("这份报告当前不能修改")
    if item_id:
        item = RectificationItem.objects.select_for_update().get(
            pk=item_id, organization_id=report.organization_id
        )
    else:
        item = RectificationItem(organization_id=report.organization_id, report=report)
    creating, from_status = item.pk is None, item.status
    fields = {"problem": problem, "measure": measure, "owner": owner, "due_date": due_date}
    fields["status"] = status
    changes = {
        k: {"from": str(getattr(item, k) or ""), "to": str(v or "")}
        for k, v in fields.items()
        if creating or getattr(item, k) != v
    }
    if not changes:
        return item
    for field, value in fields.items():
        setattr(item, field, value)
    item.save()
    kind = RectificationEventKind.CREATED if creating else RectificationEventKind.UPDATED
    record_event(item=item, kind=kind, actor=actor, from_status=from_status, changes=changes)
    audit_record(
        action="rectification_create" if creating else "rectification_update",
        actor=actor,
        target=f"{report.organization} · {item.problem[:60]}",
        organization=report.organization,
        detail={"item": item.pk, "report": report.pk, "changes": changes},
    )
    return item


@transaction.atomic
def attachment_add(
    *, report: Report, actor: User, data: bytes, filename: str, max_bytes: int
) -> Attachment:
    if not can_edit(actor, report):
        raise NotAllowed("这份报告当前不能修改")
    content_type, safe_name = check_attachment(data, filename, len(data), max_bytes)
    attachment = Attachment(
        report=report,
        original_name=safe_name,
        content_type=content_type,
        size=len(data),
        uploaded_by=actor,
    )
    attachment.file.save(safe_name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def report_is_started(report: Report) -> bool:
    return report.revision > 0 or report.state != ReportState.DRAFT

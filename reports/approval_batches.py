"""Bulk approval with a sampled audit (批量通过，随机抽查).

A county with 300 clean reports should not need 300 separate clicks, nor approve blind:

1. ``approval_batch_start``: the reviewer picks reports that are waiting for a decision
   (已提交 or 审核中) and whose current version's analysis is done and found nothing
   (``CLEAN``), and writes one comment. The portal draws a random sample — ``SAMPLE_SHARE``
   of them rounded up, at least one — with the operating system's randomness.
2. The reviewer opens each sampled report and approves it individually (the ordinary
   ``workflow.report_approve``). Returning a sampled report fails the batch: the sample
   found a problem, so the rest must be read one by one.
3. ``approval_batch_finish``: once every sampled report is approved, the rest are approved
   with the batch's comment, each through ``workflow.report_approve`` (its own review act,
   audit row and notification to the school). A report that changed since it was picked
   (resubmitted, returned, flagged by a re-analysis) is skipped and listed.

The audit log records the batch, its reports and its sample at both steps.
"""

from __future__ import annotations

import math
import random

from django.db import transaction
from django.db.models import BooleanField, Case, F, FilteredRelation, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone

from reports.audit import audit_record
from reports.choices import AnalysisState, ReportState
from reports.models import ApprovalBatch, Campaign, Report, User
from reports.rules import InvalidTransition, NotAllowed, WorkflowError, can_review
from reports.workflow import report_approve

SAMPLE_SHARE = 0.10
WAITING = (ReportState.SUBMITTED, ReportState.UNDER_REVIEW)

# Nothing for a reviewer to look at: every flag of the analysis is zero or false.
_FLAG_KEYS_COUNTED = (
    "copies",
    "placeholders",
    "residue",
    "contradictions",
    "burden_signals",
    "missing_sections",
)
_FLAG_KEYS_TRUE = ("off_topic", "not_report")


def _flagged_q(prefix: str) -> Q:
    """Any flag of the analysis at ``prefix`` raised (a missing key raises nothing)."""
    q = Q()
    for key in _FLAG_KEYS_COUNTED:
        q |= Q(**{f"{prefix}flags__{key}__gt": 0})
    for key in _FLAG_KEYS_TRUE:
        q |= Q(**{f"{prefix}flags__{key}": True})
    return q


def clean_expression(prefix: str) -> Case:
    """True when the analysis at ``prefix`` (``"latest__analysis__"``) is done and found
    nothing: no copied share, every flag zero, false or absent.

    A ``Case`` rather than negated filters: across the reverse ``versions`` relation each
    negated flag became its own ``NOT EXISTS`` subquery, costly to build and to run; as an
    expression the conditions stay on the one joined row."""
    done = Q(**{f"{prefix}state": AnalysisState.DONE, f"{prefix}copied_share": 0})
    return Case(
        When(_flagged_q(prefix), then=Value(False)),
        When(done, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def bulk_ok_expression(prefix: str) -> Case:
    """True for a report a batch may take (``clean_waiting``), as a column of a listing
    already joined to its current analysis at ``prefix``."""
    return Case(
        When(state__in=WAITING, then=clean_expression(prefix)),
        default=Value(False),
        output_field=BooleanField(),
    )


def clean_waiting(reports: QuerySet[Report]) -> QuerySet[Report]:
    """The reports of ``reports`` a batch may take: waiting, analysed, with no flag."""
    return (
        reports.filter(state__in=WAITING)
        .annotate(
            bulk_current=FilteredRelation("versions", condition=Q(versions__number=F("version")))
        )
        .alias(bulk_clean=clean_expression("bulk_current__analysis__"))
        .filter(bulk_clean=True)
    )


def sample_size(count: int, share: float = SAMPLE_SHARE) -> int:
    return max(1, math.ceil(count * share)) if count else 0


@transaction.atomic
def approval_batch_start(
    *,
    reviewer: User,
    campaign: Campaign,
    report_ids: list[int],
    comment: str = "",
    share: float = SAMPLE_SHARE,
    request: HttpRequest | None = None,
) -> ApprovalBatch:
    """Record the batch and draw its sample; nothing is approved yet."""
    wanted = set(report_ids)
    if not wanted:
        raise WorkflowError("请先勾选要批量通过的报告")
    reports = list(
        clean_waiting(Report.objects.filter(campaign=campaign, pk__in=wanted))
        .select_related("organization")
        .select_for_update(of=("self",))
    )
    if len(reports) != len(wanted):
        raise InvalidTransition(
            "所选报告中有的已经处理过、还在分析或有提示，不能批量通过；请刷新队列后重新勾选"
        )
    if not all(can_review(reviewer, r) for r in reports):
        raise NotAllowed("只有上级教育局的审核员可以审核这些报告")
    sample = random.SystemRandom().sample(sorted(wanted), sample_size(len(wanted), share))
    batch = ApprovalBatch.objects.create(
        campaign=campaign,
        reviewer=reviewer,
        comment=(comment or "").strip(),
        reports={str(r.pk): r.version for r in reports},
        sample=sorted(sample),
    )
    audit_record(
        action="approval_batch_start",
        actor=reviewer,
        target=f"{campaign} · 批量通过 {len(reports)} 份，抽查 {len(sample)} 份",
        detail={"batch": batch.pk, "reports": sorted(wanted), "sample": batch.sample},
        request=request,
    )
    return batch


def sample_status(batch: ApprovalBatch) -> dict[int, str]:
    """Each sampled report's state now (``approved`` once the reviewer approved it)."""
    return dict(Report.objects.filter(pk__in=batch.sample).values_list("pk", "state"))


@transaction.atomic
def approval_batch_finish(
    *, batch_id: int, reviewer: User, request: HttpRequest | None = None
) -> ApprovalBatch:
    """Approve the rest once every sampled report was approved individually."""
    batch = ApprovalBatch.objects.select_for_update().get(pk=batch_id)
    if batch.reviewer_id != reviewer.pk:
        raise NotAllowed("只有发起这次批量审核的审核员可以完成它")
    if batch.finished_at is not None:
        raise InvalidTransition("这次批量审核已经完成")
    states = sample_status(batch)
    if any(state == ReportState.RETURNED for state in states.values()):
        raise InvalidTransition("抽查中有报告被退回，这一批不能批量通过，请逐份审核")
    pending = [pk for pk in batch.sample if states.get(pk) != ReportState.APPROVED]
    if pending:
        raise InvalidTransition(f"还有 {len(pending)} 份抽查报告没有逐份审核通过")
    rest = {
        int(pk): version for pk, version in batch.reports.items() if int(pk) not in batch.sample
    }
    still_clean = set(
        clean_waiting(Report.objects.filter(pk__in=rest)).values_list("pk", flat=True)
    )
    approved, skipped = [], []
    for pk, version in sorted(rest.items()):
        if pk not in still_clean:
            skipped.append(pk)
            continue
        try:
            report_approve(
                report_id=pk,
                reviewer=reviewer,
                version_number=version,
                comment=batch.comment,
                request=request,
            )
        except WorkflowError:
            skipped.append(pk)
            continue
        approved.append(pk)
    batch.approved, batch.skipped, batch.finished_at = approved, skipped, timezone.now()
    batch.save(update_fields=["approved", "skipped", "finished_at"])
    audit_record(
        action="report_bulk_approve",
        actor=reviewer,
        target=f"{batch.campaign} · 批量通过 {len(approved)} 份",
        detail={
            "batch": batch.pk,
            "approved": approved,
            "sample": batch.sample,
            "skipped": skipped,
            "comment": batch.comment,
        },
        request=request,
    )
    return batch

"""One definition of each report count, used by every page, export and the API.

The review queue, the task page (填报任务), the dashboard, its exports and the read-only API
all count a campaign's reports with ``count_aggregates`` (or filter with ``STATE_FILTERS``),
so the same task shows the same numbers everywhere. The definitions:

- 未开始 ``not_started``: a draft never saved (``revision`` 0).
- 草稿 ``draft``: a draft saved at least once. 未开始 and 草稿 do not overlap.
- 已提交 ``submitted``: handed in and waiting for a decision — 已提交 or 审核中. It includes
  审核中 because the dashboard and the API have always counted it so (decision: a county's
  roll-up asks "how many await the bureau", not "how many has a reviewer opened").
- 审核中 ``under_review``: the part of 已提交 a reviewer has started (开始审核).
- 退回 ``returned``: returned and not yet resubmitted.
- 已通过 ``approved``.
- 逾期 ``late``: the current submission came after the deadline (``is_late``), or nothing
  was ever submitted and the deadline has passed. A report returned after an on-time
  submission is not 逾期: the school did hand in on time.
- ``total``, ``handed_in`` (submitted at least once), ``on_time`` (handed in, not late).

未开始 + 草稿 + 已提交 + 退回 + 已通过 = 全部 (a partition); 审核中 and 逾期 cut across it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from reports.choices import ReportState

# (key, label) in the order every page shows them.
STATE_COUNTS: list[tuple[str, str]] = [
    ("not_started", "未开始"),
    ("draft", "草稿"),
    ("submitted", "已提交"),
    ("under_review", "审核中"),
    ("returned", "退回"),
    ("approved", "已通过"),
    ("late", "逾期"),
]
STATE_COUNT_LABELS = dict(STATE_COUNTS)


def count_conditions(now=None, *, campaign_deadline=None) -> dict[str, Q]:
    """Each count's condition on ``Report`` rows, keyed as in ``STATE_COUNTS`` plus
    ``handed_in`` and ``on_time``.

    ``campaign_deadline``: when every row belongs to one campaign, pass its deadline to spare
    the join on the campaign (the same rule for 逾期, with the date compared in Python).
    """
    now = now or timezone.now()
    if campaign_deadline is None:
        never_submitted = Q(version=0, campaign__deadline__lt=now)
    else:
        never_submitted = Q(version=0) if campaign_deadline < now else Q(pk__isnull=True)
    return {
        "not_started": Q(state=ReportState.DRAFT, revision=0),
        "draft": Q(state=ReportState.DRAFT, revision__gt=0),
        "submitted": Q(state__in=[ReportState.SUBMITTED, ReportState.UNDER_REVIEW]),
        "under_review": Q(state=ReportState.UNDER_REVIEW),
        "returned": Q(state=ReportState.RETURNED),
        "approved": Q(state=ReportState.APPROVED),
        "late": Q(is_late=True) | never_submitted,
        "handed_in": Q(version__gt=0),
        "on_time": Q(version__gt=0, is_late=False),
    }


def count_aggregates(now=None, *, campaign_deadline=None) -> dict[str, Any]:
    """``Count`` expressions for ``.aggregate()`` / ``.annotate()`` on ``Report`` rows:
    ``total`` and one per ``count_conditions`` key."""
    conditions = count_conditions(now, campaign_deadline=campaign_deadline)
    return {"total": Count("pk"), **{key: Count("pk", filter=q) for key, q in conditions.items()}}


def state_counts(reports: QuerySet, now=None) -> dict[str, int]:
    """Every count of ``reports`` in one query."""
    return reports.aggregate(**count_aggregates(now))


def is_not_started(report: Any) -> bool:
    """The 未开始 test on one loaded report (same rule as ``count_conditions``)."""
    return report.state == ReportState.DRAFT and not report.revision


__all__ = [
    "STATE_COUNTS",
    "STATE_COUNT_LABELS",
    "count_aggregates",
    "count_conditions",
    "is_not_started",
    "state_counts",
]

"""Queries of the review queue: the current analysis joined in, flag filters, sorts, counts."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, NullIf

from reports.approval_batches import bulk_ok_expression, clean_waiting
from reports.choices import (
    CampaignStatus,
    OrgKind,
    ReportState,
    ReviewKind,
)
from reports.counts import STATE_COUNT_LABELS, STATE_COUNTS, count_aggregates, count_conditions
from reports.models import (
    AnalysisResult,
    Report,
    ReviewAction,
    User,
)
from reports.pipeline import COPIED_SHARE_FLAG
from reports.review.compiled import CompiledQueries
from reports.selectors import (
    campaigns_visible_to,
    reports_visible_to,
    units_visible_to,
    user_unit,
)

FLAG_FILTERS: dict[str, tuple[str, Q]] = {
    "copied": ("雷同", Q(latest__analysis__copied_share__gte=COPIED_SHARE_FLAG)),
    "placeholders": ("模板空白", Q(latest__analysis__flags__placeholders__gt=0)),
    "off_topic": (
        "离题 / 非报告",
        Q(latest__analysis__flags__off_topic=True) | Q(latest__analysis__flags__not_report=True),
    ),
    "contradictions": ("数字矛盾", Q(latest__analysis__flags__contradictions__gt=0)),
    "gaps": ("缺数字", Q(latest__analysis__flags__gaps__gt=0)),
    "other_names": ("套用他校", Q(latest__analysis__flags__other_names__gt=0)),
    "anomalies": ("数据异常", Q(latest__analysis__flags__anomalies__gt=0)),
    "self_copy": ("照搬上期", Q(latest__analysis__flags__self_copy=True)),
}
ANY_FLAG = Q()
for _label, _q in FLAG_FILTERS.values():
    ANY_FLAG |= _q

SORTS = {
    "risk": ("风险从高到低", [F("risk").desc(nulls_last=True), F("copied").desc(nulls_last=True)]),
    "copied": ("雷同比例从高到低", [F("copied").desc(nulls_last=True)]),
    "submitted": ("提交时间从早到晚", [F("submitted_at").asc(nulls_last=True)]),
    "recent": ("最近提交在前", [F("submitted_at").desc(nulls_last=True)]),
    "school": ("按单位", ["organization__path"]),
}

# A queue row: the fields of ``QueueTuple`` and the lookups that read them, in this order.
QUEUE_ROW = {
    "pk": "pk",
    "state": "state",
    "revision": "revision",
    "version": "version",
    "is_late": "is_late",
    "submitted_at": "submitted_at",
    "school": "organization__name",
    "school_type": "organization__school_type",
    "parent": "organization__parent__name",
    "latest_version_id": "latest_version_id",
    "copied": "copied",
    "flags": "flags",
    "analysis_state": "analysis_state",
    "holder": "holder",
    "bulk_ok": "bulk_ok",
    "copies": "copies",
}
# One row of the page's query: no model instances for a listing of 50. ``total``: the rows
# of the whole filtered queue (every row carries it).
QueueTuple = namedtuple("QueueTuple", [*QUEUE_ROW, "total"])
# Pages past this are not read directly: Paginator answers them with the last page.
MAX_DIRECT_PAGE = 10_000
COMPILED = CompiledQueries()

# The state filter's choices: the core's counts but 逾期 (a checkbox of its own).
STATE_FILTERS = [(key, label) for key, label in STATE_COUNTS if key != "late"]


def with_latest(reports: QuerySet[Report]) -> QuerySet[Report]:
    """The relation ``latest``: each report's current version, for lookups such as
    ``latest__analysis__flags`` (``FLAG_FILTERS``); joined only where a lookup uses it."""
    return reports.annotate(
        latest=FilteredRelation("versions", condition=Q(versions__number=F("version")))
    )


def with_latest_analysis(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Join each report to its current version's analysis (one LEFT JOIN, no N+1)."""
    return with_latest(reports).annotate(
        latest_version_id=F("latest__id"),
        risk=F("latest__analysis__risk"),
        copied=F("latest__analysis__copied_share"),
        flags=F("latest__analysis__flags"),
        analysis_state=F("latest__analysis__state"),
    )


_HOLDING = (ReviewKind.OPEN, ReviewKind.REOPEN)


def with_holder(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Annotate ``holder``: who pressed 开始审核 (or reopened) on a report under review, so
    two reviewers do not read the same report unknowingly. NULL for any other state."""
    latest = ReviewAction.objects.filter(report_id=OuterRef("pk"), kind__in=_HOLDING).order_by(
        "-created_at", "-pk"
    )
    name = Coalesce(NullIf("actor__first_name", Value("")), "actor__username")
    return reports.annotate(
        holder=Case(
            When(
                state=ReportState.UNDER_REVIEW,
                then=Subquery(latest.annotate(name=name).values("name")[:1]),
            ),
            default=None,
            output_field=CharField(),
        ),
    )


@dataclass(frozen=True)
class QueueQuery:
    """Every input of a queue page's SQL, as the request asked for it (filters not given or
    not valid are ""), and so the key of its compiled query (``compiled``)."""

    scope: tuple  # compiled.scope_key(user)
    campaign: int
    deadline_passed: bool
    state: str = ""  # a STATE_COUNT_LABELS key
    unit_path: str = ""  # the subtree of the unit filter
    school_type: str = ""
    late: bool = False
    flag: str = ""  # "any", "clean" or a FLAG_FILTERS key
    sort: str = "risk"


def queue_queryset(user: User, q: QueueQuery, *, deadline, now) -> QuerySet[Report]:
    """The queue's reports for ``q``, sorted, with the columns of ``QUEUE_ROW``.
    ``deadline`` and ``now`` only decide 逾期 (``q.deadline_passed``)."""
    rows = with_latest_analysis(reports_visible_to(user).filter(campaign_id=q.campaign))
    if q.state:
        rows = rows.filter(state_q(q.state, now, campaign_deadline=deadline))
    if q.unit_path:
        rows = rows.filter(organization__path__startswith=q.unit_path)
    if q.school_type:
        rows = rows.filter(organization__school_type=q.school_type)
    if q.late:
        rows = rows.filter(overdue_q(now, campaign_deadline=deadline))
    if q.flag == "any":
        rows = rows.filter(ANY_FLAG)
    elif q.flag == "clean":
        rows = clean_waiting(rows)
    elif q.flag:
        rows = rows.filter(FLAG_FILTERS[q.flag][1])
    # 雷同's sources, for the rows it flags. A subquery, not the joined analysis's column:
    # PostgreSQL then reads it after the sort, for the page's rows only, instead of every
    # report's whole result before sorting them.
    copies = AnalysisResult.objects.filter(version_id=OuterRef("latest_version_id"))
    return (
        with_holder(rows)
        .annotate(
            bulk_ok=bulk_ok_expression("latest__analysis__"),
            copies=Case(
                When(
                    copied__gte=COPIED_SHARE_FLAG,
                    then=Subquery(copies.values("result__copies")[:1]),
                )
            ),
        )
        .order_by(*SORTS[q.sort][1], "organization__path")
    )


class CampaignChoice(NamedTuple):
    pk: int
    title: str
    deadline: datetime


class UnitChoice(NamedTuple):
    pk: int
    name: str
    path: str


def queue_campaigns(user: User, scope: tuple) -> list[CampaignChoice]:
    """The campaign picker: the 50 latest published or closed campaigns the user sees."""

    def build() -> QuerySet:
        return (
            campaigns_visible_to(user)
            .exclude(status=CampaignStatus.DRAFT)
            .order_by("-deadline", "-pk")
            .values_list(*CampaignChoice._fields)[:50]
        )

    return [CampaignChoice._make(row) for row in COMPILED.rows(("campaigns", scope), build)]


def queue_units(user: User, scope: tuple) -> list[UnitChoice]:
    """The unit filter's choices: the units below the user's own, schools aside."""

    def build() -> QuerySet:
        return (
            units_visible_to(user)
            .exclude(kind=OrgKind.SCHOOL)
            .exclude(pk=getattr(user_unit(user), "pk", None))
            .values_list(*UnitChoice._fields)
        )

    return [UnitChoice._make(row) for row in COMPILED.rows(("units", scope), build)]


def queue_page(user: User, q: QueueQuery, number: Any, *, per_page: int, deadline, now) -> Page:
    """``Paginator(queue_queryset(...)).get_page(number)``, rows as ``QueueTuple``, in one
    query of SQL compiled once per process and ``q``: the page's query also carries the
    filtered total (a window count, taken before LIMIT), so there is no COUNT query. The
    count is read apart only where ``get_page`` answers another page than the one asked for
    (below 1, past the end: the last one)."""

    def fetch(number: int) -> list[QueueTuple]:
        start = (number - 1) * per_page

        def build() -> QuerySet:
            rows = queue_queryset(user, q, deadline=deadline, now=now)
            counted = rows.annotate(total=Window(Count("pk")))
            return counted.values_list(*QUEUE_ROW.values(), "total")[start : start + per_page]

        return [QueueTuple._make(row) for row in COMPILED.rows(("page", q, number), build)]

    paginator = Paginator((), per_page)
    try:
        wanted = int(number)  # as Paginator.validate_number; not an integer: page 1
    except (TypeError, ValueError):
        wanted = 1
    rows = fetch(wanted) if 1 <= wanted <= MAX_DIRECT_PAGE else []
    if rows or wanted == 1:
        paginator.count = rows[0].total if rows else 0
        return Page(rows, wanted, paginator)
    paginator.count = queue_queryset(user, q, deadline=deadline, now=now).count()
    return Page(fetch(paginator.num_pages), paginator.num_pages, paginator)


def queue_counts(user: User, q: QueueQuery, *, deadline, now) -> dict[str, int]:
    """``state_counts`` of the campaign's reports in the user's scope, compiled once per
    process and scope, campaign and side of its deadline."""

    def build() -> dict[str, int]:
        scope = with_latest(reports_visible_to(user).filter(campaign_id=q.campaign))
        return state_counts(scope, now, campaign_deadline=deadline)

    return COMPILED.aggregate(("counts", q.scope, q.campaign, q.deadline_passed), build)


def holder_of(report: Report) -> ReviewAction | None:
    """The act that put ``report`` under review (its actor holds it), or None."""
    if report.state != ReportState.UNDER_REVIEW:
        return None
    return (
        report.review_actions.filter(kind__in=_HOLDING)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def overdue_q(now, *, campaign_deadline=None) -> Q:
    """逾期, as every page counts it (``reports.counts``)."""
    return count_conditions(now, campaign_deadline=campaign_deadline)["late"]


def state_q(key: str, now, *, campaign_deadline=None) -> Q | None:
    """The queue's state filter: the same condition the count beside it uses."""
    if key not in STATE_COUNT_LABELS:
        return None
    return count_conditions(now, campaign_deadline=campaign_deadline)[key]


def state_counts(reports: QuerySet[Report], now, *, campaign_deadline=None) -> dict[str, int]:
    """The core's counts (``reports.counts``) and the queue's own 有疑点, in one query;
    ``reports`` must carry ``with_latest``. ``campaign_deadline``: see ``count_conditions``."""
    return reports.aggregate(
        **count_aggregates(now, campaign_deadline=campaign_deadline),
        flagged=Count("pk", filter=ANY_FLAG),
    )


def flag_badges(
    flags: dict[str, Any], copied: float | None, sources: list[str] | tuple = ()
) -> list[str]:
    """One badge per flag kind, with its count (``模板空白 ×20``) or share (``雷同 40%``);
    雷同 names its source(s) (``copies.source_names``); a copied share under the queue's
    threshold is not a badge (see ``COPIED_SHARE_FLAG``)."""
    badges = []
    if copied and copied >= COPIED_SHARE_FLAG:
        named = ""
        if sources:
            named = f"：与{sources[0]}" + (f"等 {len(sources)} 处" if len(sources) > 1 else "")
        badges.append(f"雷同 {copied * 100:.0f}%{named}")
    if flags.get("self_copy"):
        badges.append(f"照搬上期 {float(flags.get('self_copy_share') or 0) * 100:.0f}%")
    for key, label in (
        ("placeholders", "模板空白"),
        ("gaps", "缺数字"),
        ("other_names", "套用他校"),
        ("contradictions", "数字矛盾"),
        ("anomalies", "数据异常"),
    ):
        if flags.get(key):
            badges.append(_counted(label, flags[key]))
    if flags.get("off_topic"):
        badges.append("离题")
    if flags.get("not_report"):
        badges.append("非自查报告")
    if flags.get("residue"):
        badges.append(_counted("网页残留", flags["residue"]))
    if flags.get("missing_sections"):
        badges.append(_counted("缺栏目", flags["missing_sections"]))
    return badges


def _counted(label: str, count: Any) -> str:
    return label if count == 1 else f"{label} ×{count}"

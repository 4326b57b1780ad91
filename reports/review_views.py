"""Reviewer pages: queue, review page (analysis highlights, diff, approve / return / reopen),
the school's view of the comments, notifications, rectification follow-up, supervisor
overview. Thin: every state change goes through ``reports.workflow``.

Importing ``reports.notifications`` here connects its ``version_submitted`` receiver when
the URLconf loads (``reports.apps`` is not this feature's to edit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from reports import indicators
from reports import notifications as notifications  # noqa: F401 - connects the receivers
from reports.choices import (
    AnalysisState,
    CampaignStatus,
    OrgKind,
    RectificationStatus,
    ReportState,
    ReviewKind,
    SchoolType,
)
from reports.models import (
    AnalysisResult,
    Campaign,
    Notification,
    Organization,
    RectificationItem,
    Report,
    ReportVersion,
)
from reports.pipeline import COPIED_SHARE_FLAG
from reports.selectors import (
    campaigns_visible_to,
    is_bureau_staff,
    previous_report,
    rectifications_for_report,
    reports_visible_to,
    scope_to_user,
    units_visible_to,
    user_unit,
)
from reports.workflow import (
    CommentRequired,
    NotAllowed,
    WorkflowError,
    can_follow_up,
    can_review,
    rectification_send_back,
    rectification_verify,
    report_approve,
    report_open_review,
    report_reopen,
    report_return,
)

PAGE_SIZE = 50

# ---------------------------------------------------------------- forms


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="审核意见（可选）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="总体意见（必填）",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "退回时必须填写审核意见"},
    )

    def __init__(self, *args, sections: list[dict[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.section_keys = []
        for section in sections:
            name = f"section_{section['key']}"
            self.section_keys.append((name, section["key"]))
            self.fields[name] = forms.CharField(
                label=f"对“{section['title']}”的意见（可选）",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def section_comments(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name, "") for name, key in self.section_keys}


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="重新打开的原因（必填）",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "重新打开已通过的报告时必须填写原因"},
    )


# ---------------------------------------------------------------- access


def _staff(request: HttpRequest) -> None:
    if not is_bureau_staff(request.user):
        raise PermissionDenied


def _visible_report(request: HttpRequest, pk: int) -> Report:
    """Out of the user's subtree → 404 (before any role check, so nothing leaks)."""
    return get_object_or_404(
        reports_visible_to(request.user).select_related("organization__parent"), pk=pk
    )


def _reviewable_report(request: HttpRequest, pk: int) -> Report:
    report = _visible_report(request, pk)
    if not can_review(request.user, report):
        raise PermissionDenied
    return report


def _version_number(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version_number", ""))
    except ValueError:
        return -1


# ---------------------------------------------------------------- queue

FLAG_FILTERS: dict[str, tuple[str, Q]] = {
    "copied": ("雷同", Q(latest__analysis__copied_share__gte=COPIED_SHARE_FLAG)),
    "placeholders": ("模板空白", Q(latest__analysis__flags__placeholders__gt=0)),
    "off_topic": (
        "离题 / 非报告",
        Q(latest__analysis__flags__off_topic=True) | Q(latest__analysis__flags__not_report=True),
    ),
    "contradictions": ("数字矛盾", Q(latest__analysis__flags__contradictions__gt=0)),
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

STATE_FILTERS = [("not_started", "未开始"), *ReportState.choices]


def with_latest_analysis(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Join each report to its current version's analysis (one LEFT JOIN, no N+1)."""
    return reports.annotate(
        latest=FilteredRelation("versions", condition=Q(versions__number=F("version")))
    ).annotate(
        latest_version_id=F("latest__id"),
        risk=F("latest__analysis__risk"),
        copied=F("latest__analysis__copied_share"),
        flags=F("latest__analysis__flags"),
        analysis_state=F("latest__analysis__state"),
    )


def overdue_q(now) -> Q:
    """逾期: submitted late, or still not submitted after the deadline."""
    return Q(is_late=True) | (
        Q(state__in=[ReportState.DRAFT, ReportState.RETURNED]) & Q(campaign__deadline__lt=now)
    )


def state_counts(reports: QuerySet[Report], now) -> dict[str, int]:
    aggregates = {state: Count("pk", filter=Q(state=state)) for state in ReportState.values}
    return reports.aggregate(
        total=Count("pk"),
        not_started=Count("pk", filter=Q(state=ReportState.DRAFT, revision=0)),
        late=Count("pk", filter=overdue_q(now)),
        flagged=Count("pk", filter=ANY_FLAG),
        **aggregates,
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _staff(request)
    campaigns = list(
        campaigns_visible_to(request.user)
        .exclude(status=CampaignStatus.DRAFT)
        .order_by("-deadline", "-pk")[:50]
    )
    campaign = None
    wanted = request.GET.get("campaign", "")
    if wanted.isdigit():
        campaign = get_object_or_404(campaigns_visible_to(request.user), pk=int(wanted))
    elif campaigns:
        campaign = campaigns[0]
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign}
    if campaign is None:
        return render(request, "reports/review/queue.html", context)

    now = timezone.now()
    base = with_latest_analysis(reports_visible_to(request.user).filter(campaign=campaign))
    units = list(
        units_visible_to(request.user)
        .exclude(kind=OrgKind.SCHOOL)
        .exclude(pk=getattr(user_unit(request.user), "pk", None))
        .only("pk", "name", "depth")
    )
    filters = {
        "state": request.GET.get("state", ""),
        "unit": request.GET.get("unit", ""),
        "school_type": request.GET.get("school_type", ""),
        "late": request.GET.get("late", ""),
        "flag": request.GET.get("flag", ""),
        "sort": request.GET.get("sort", "risk"),
    }
    rows = base
    if filters["state"] == "not_started":
        rows = rows.filter(state=ReportState.DRAFT, revision=0)
    elif filters["state"] in ReportState.values:
        rows = rows.filter(state=filters["state"])
    if filters["unit"].isdigit():
        unit = next((u for u in units if u.pk == int(filters["unit"])), None)
        if unit is None:
            unit = get_object_or_404(units_visible_to(request.user), pk=int(filters["unit"]))
        rows = rows.filter(organization__path__startswith=unit.path)
    if filters["school_type"] in SchoolType.values:
        rows = rows.filter(organization__school_type=filters["school_type"])
    if filters["late"] == "1":
        rows = rows.filter(overdue_q(now))
    if filters["flag"] == "any":
        rows = rows.filter(ANY_FLAG)
    elif filters["flag"] in FLAG_FILTERS:
        rows = rows.filter(FLAG_FILTERS[filters["flag"]][1])
    sort = filters["sort"] if filters["sort"] in SORTS else "risk"
    rows = rows.select_related("organization__parent").order_by(
        *SORTS[sort][1], "organization__path"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for report in page:
        report.flag_badges = flag_badges(report.flags or {}, report.copied)
    counts = state_counts(base, now)
    context.update(
        {
            "page": page,
            "counts": counts,
            "count_cards": [
                ("全部", counts["total"], ""),
                ("未开始", counts["not_started"], "not_started"),
                *[(label, counts[value], value) for value, label in ReportState.choices],
            ],
            "filters": filters,
            "units": units,
            "state_choices": STATE_FILTERS,
            "school_types": SchoolType.choices,
            "flag_choices": [(k, label) for k, (label, _q) in FLAG_FILTERS.items()],
            "sorts": [(k, label) for k, (label, _o) in SORTS.items()],
            "now": now,
        }
    )
    return render(request, "reports/review/queue.html", context)


def flag_badges(flags: dict[str, Any], copied: float | None) -> list[str]:
    badges = []
    if copied:
        badges.append(f"雷同 {copied * 100:.0f}%")
    if flags.get("placeholders"):
        badges.append(f"模板空白 {flags['placeholders']}")
    if flags.get("contradictions"):
        badges.append(f"数字矛盾 {flags['contradictions']}")
    if flags.get("off_topic"):
        badges.append("离题")
    if flags.get("not_report"):
        badges.append("非自查报告")
    if flags.get("residue"):
        badges.append(f"网页残留 {flags['residue']}")
    if flags.get("missing_sections"):
        badges.append(f"缺栏目 {flags['missing_sections']}")
    return badges


# ---------------------------------------------------------------- highlights


@dataclass
class Span:
    start: int
    end: int
    css: str
    title: str


def _spans(text: str, result: dict[str, Any]) -> list[Span]:
    n = len(text)
    spans: list[Span] = []

    def add(item: dict[str, Any], css: str, title: str) -> None:
        try:
            start, end = int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError):
            return
        start, end = max(0, min(start, n)), max(0, min(end, n))
        if start < end:
            spans.append(Span(start, end, css, title))

    for item in result.get("placeholders") or []:
        add(item, "mark-placeholder", "未填写的模板空白")
    for item in result.get("copies") or []:
        add(item, "mark-copy", f"与 {_source(item)} 雷同 {_percent(item.get('similarity'))}")
    for item in result.get("contradictions") or []:
        add(item, "mark-contradiction", _contradiction(item))
    for item in result.get("residue") or []:
        add(item, "mark-residue", "范文网站残留文字")
    for item in result.get("burden_signals") or []:
        add(item, "mark-signal", "描述了政策禁止的形式主义做法")
    return spans


def _source(item: dict[str, Any]) -> str:
    return str(item.get("source_label") or item.get("source") or "其他文本")


def _percent(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return "—"


def _contradiction(item: dict[str, Any]) -> str:
    label = item.get("label") or item.get("indicator") or "指标"
    return f"{label}：表中填 {item.get('form_value')}，正文写 {item.get('text_value')}"


def highlight(text: str, result: dict[str, Any] | None) -> SafeString:
    """The text with ``<mark>`` spans; overlapping spans are split into segments that carry
    every class and title that covers them. Everything is escaped (no ``|safe`` on user text).
    """
    spans = _spans(text, result or {})
    if not spans:
        return escape(text)
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    pieces: list[SafeString] = []
    for start, end in pairwise(bounds):
        segment = text[start:end]
        active = [s for s in spans if s.start <= start and s.end >= end]
        if not active:
            pieces.append(escape(segment))
            continue
        css = " ".join(dict.fromkeys(s.css for s in active))
        title = "；".join(dict.fromkeys(s.title for s in active))
        pieces.append(format_html('<mark class="{}" title="{}">{}</mark>', css, title, segment))
    return format_html_join("", "{}", ((p,) for p in pieces))


GENRES = {
    "plan": "实施方案",
    "reflection": "心得体会",
    "news": "新闻报道",
    "speech": "讲话稿",
    "notice": "通知",
}


def flag_list(text: str, analysis: AnalysisResult | None) -> list[dict[str, str]]:
    """Every flag with a one-line Chinese explanation, for the side panel."""
    if analysis is None or analysis.state != AnalysisState.DONE:
        return []
    result, flags = analysis.result or {}, analysis.flags or {}
    items: list[dict[str, str]] = []

    def quote(item: dict[str, Any]) -> str:
        try:
            snippet = text[int(item["start"]) : int(item["end"])]
        except (KeyError, TypeError, ValueError):
            snippet = str(item.get("text", ""))
        return snippet[:30] + ("…" if len(snippet) > 30 else "")

    for item in result.get("copies") or []:
        items.append(
            {
                "css": "mark-copy",
                "label": f"雷同 {_percent(item.get('similarity'))}",
                "text": f"“{quote(item)}”与 {_source(item)} 相同或高度相似，请核实是否照抄",
            }
        )
    for item in result.get("placeholders") or []:
        items.append(
            {
                "css": "mark-placeholder",
                "label": "模板空白",
                "text": f"“{quote(item)}”是没有填写的模板占位符，报告可能未写完",
            }
        )
    for item in result.get("contradictions") or []:
        items.append(
            {
                "css": "mark-contradiction",
                "label": "数字矛盾",
                "text": _contradiction(item) + "，两者不一致",
            }
        )
    for item in result.get("residue") or []:
        items.append(
            {
                "css": "mark-residue",
                "label": "网页残留",
                "text": f"“{quote(item)}”像是从范文网站复制时带入的文字",
            }
        )
    for item in result.get("burden_signals") or []:
        items.append(
            {
                "css": "mark-signal",
                "label": "形式主义迹象",
                "text": f"“{quote(item)}”描述的做法正是减负政策禁止的（留痕、台账、展板等）",
            }
        )
    if flags.get("off_topic"):
        items.append(
            {"css": "", "label": "离题", "text": "报告内容与本次任务的主题关联很弱，可能交错了材料"}
        )
    if flags.get("not_report"):
        genre = flags.get("genre") or result.get("genre") or ""
        items.append(
            {
                "css": "",
                "label": "文体不符",
                "text": f"这份材料更像“{GENRES.get(genre, genre)}”，不是自查报告",
            }
        )
    if flags.get("missing_sections"):
        items.append(
            {
                "css": "",
                "label": "缺少栏目",
                "text": f"有 {flags['missing_sections']} 个要求的栏目没有找到对应内容",
            }
        )
    return items


# ---------------------------------------------------------------- diff

_SENTENCE = re.compile(r"(?<=[。！？；!?;\n])")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s]


def char_diff(old: str, new: str) -> SafeString:
    """What changed from ``old`` to ``new``, character by character, as ``<del>``/``<ins>``.

    Sentences are aligned first and only changed sentences are compared by character, so a
    long report stays fast (a plain character SequenceMatcher is quadratic on Chinese text).
    """
    a, b = _sentences(old), _sentences(new)
    pieces: list[SafeString] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(escape("".join(a[i1:i2])))
            continue
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        for op, k1, k2, m1, m2 in SequenceMatcher(
            None, before, after, autojunk=False
        ).get_opcodes():
            if op == "equal":
                pieces.append(escape(before[k1:k2]))
            if op in ("delete", "replace"):
                pieces.append(format_html("<del>{}</del>", before[k1:k2]))
            if op in ("insert", "replace"):
                pieces.append(format_html("<ins>{}</ins>", after[m1:m2]))
    return format_html_join("", "{}", ((p,) for p in pieces))


def resubmission_diff(report: Report, shown: ReportVersion, versions: list[ReportVersion]):
    """The sections changed since the version the reviewer last returned, with the comments."""
    returned = (
        report.review_actions.filter(kind=ReviewKind.RETURN, version__number__lt=shown.number)
        .select_related("version", "actor")
        .order_by("-version__number", "-pk")
        .first()
    )
    if returned is None:
        return None
    old = returned.version
    sections = []
    for section in report.campaign.sections:
        key = section["key"]
        before, after = old.sections.get(key) or "", shown.sections.get(key) or ""
        sections.append(
            {
                "title": section["title"],
                "changed": before != after,
                "diff": char_diff(before, after) if before != after else None,
                "comment": returned.section_comments.get(key, ""),
            }
        )
    values = []
    for code in sorted(set(old.indicator_values) | set(shown.indicator_values)):
        before, after = old.indicator_values.get(code), shown.indicator_values.get(code)
        if before != after:
            values.append({"code": code, "before": before, "after": after})
    return {"action": returned, "old": old, "sections": sections, "values": values}


# ---------------------------------------------------------------- review page


def _display(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "—" if value in (None, "") else str(value)


ANSWERS = {"done": "已落实", "partial": "部分落实", "not_done": "未落实", "na": "不适用"}


def _analysis(version: ReportVersion | None) -> AnalysisResult | None:
    if version is None:
        return None
    return AnalysisResult.objects.filter(version=version).first()


def _render_review(request: HttpRequest, report: Report, *, status: int = 200, **forms_):
    campaign = report.campaign
    versions = list(report.versions.select_related("submitted_by").order_by("number"))
    shown = versions[-1] if versions else None
    wanted = request.GET.get("v", "")
    if wanted.isdigit():
        shown = next((v for v in versions if v.number == int(wanted)), shown)
    analysis = _analysis(shown)
    previous = previous_report(report)
    previous_values: dict[str, Any] = {}
    if previous is not None:
        last = previous.versions.order_by("-number").first()
        previous_values = last.indicator_values if last else {}
    values = shown.indicator_values if shown else {}
    indicator_rows = [
        {
            "definition": d,
            "value": _display(values.get(d.code)),
            "previous": _display(previous_values.get(d.code)),
        }
        for d in indicators.applicable(campaign.indicators.all(), report.organization)
    ]
    answers = shown.checklist_answers if shown else {}
    checklist_rows = [
        {
            "item": item,
            "answer": ANSWERS.get((answers.get(item.code) or {}).get("answer", ""), "未答"),
            "code": (answers.get(item.code) or {}).get("answer", ""),
            "note": (answers.get(item.code) or {}).get("note", ""),
        }
        for item in campaign.checklist_items.all()
    ]
    reviewer = can_review(request.user, report)
    is_latest = shown is not None and shown.number == report.version
    acting = reviewer and is_latest
    context = {
        "report": report,
        "campaign": campaign,
        "versions": versions,
        "shown": shown,
        "is_latest": is_latest,
        "analysis": analysis,
        "analysis_pending": shown is not None
        and (analysis is None or analysis.state in (AnalysisState.PENDING, AnalysisState.RUNNING)),
        "analysis_failed": analysis is not None and analysis.state == AnalysisState.FAILED,
        "highlighted": highlight(
            shown.text if shown else "",
            analysis.result if analysis and analysis.state == AnalysisState.DONE else None,
        ),
        "flag_items": flag_list(shown.text, analysis) if shown else [],
        "indicator_rows": indicator_rows,
        "previous": previous,
        "checklist_rows": checklist_rows,
        "attachments": report.attachments.all(),
        "rectifications": rectifications_for_report(report),
        "actions": report.review_actions.select_related("actor", "version").order_by(
            "created_at", "pk"
        ),
        "section_titles": {s["key"]: s["title"] for s in campaign.sections},
        "diff": resubmission_diff(report, shown, versions) if shown else None,
        "can_act": reviewer,
        "approve_form": forms_.get("approve_form")
        or (ApproveForm() if acting and report.state == ReportState.UNDER_REVIEW else None),
        "return_form": forms_.get("return_form")
        or (
            ReturnForm(sections=campaign.sections)
            if acting and report.state == ReportState.UNDER_REVIEW
            else None
        ),
        "reopen_form": forms_.get("reopen_form")
        or (ReopenForm() if acting and report.state == ReportState.APPROVED else None),
    }
    return render(request, "reports/review/report.html", context, status=status)


@login_required
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    _staff(request)
    if report.state == ReportState.SUBMITTED and can_review(request.user, report):
        report = report_open_review(report_id=report.pk, reviewer=request.user, request=request)
        report = _visible_report(request, pk)
    return _render_review(request, report)


def _refused(request: HttpRequest, pk: int, exc: WorkflowError, **forms_) -> HttpResponse:
    messages.error(request, str(exc))
    status = 422 if isinstance(exc, CommentRequired) else 409
    return _render_review(request, _visible_report(request, pk), status=status, **forms_)


@require_POST
@login_required
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = _reviewable_report(request, pk)
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        report_approve(
            report_id=report.pk,
            reviewer=request.user,
            version_number=_version_number(request),
            comment=form.cleaned_data.get("comment", ""),
            request=request,
        )
    except WorkflowError as exc:
        return _refused(request, pk, exc)
    messages.success(request, "已审核通过，学校会收到通知")
    return redirect("review_report", pk=pk)


@require_POST
@login_required
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _reviewable_report(request, pk)
    form = ReturnForm(request.POST, sections=report.campaign.sections)
    if not form.is_valid():
        messages.error(request, "退回时必须填写审核意见")
        return _render_review(request, report, status=422, return_form=form)
    try:
        report_return(
            report_id=report.pk,
            reviewer=request.user,
            version_number=_version_number(request),
            comment=form.cleaned_data["comment"],
            section_comments=form.section_comments(),
            request=request,
        )
    except WorkflowError as exc:
        return _refused(request, pk, exc, return_form=form)
    messages.success(request, "已退回学校修改，学校会收到您的意见")
    return redirect("review_report", pk=pk)


@require_POST
@login_required
def review_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    report = _reviewable_report(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "重新打开已通过的报告时必须填写原因")
        return _render_review(request, report, status=422, reopen_form=form)
    try:
        report_reopen(
            report_id=report.pk,
            reviewer=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except WorkflowError as exc:
        return _refused(request, pk, exc)
    messages.success(request, "报告已重新打开，可以再次审核")
    return redirect("review_report", pk=pk)


@require_POST
@login_required
def review_reanalyze(request: HttpRequest, pk: int) -> HttpResponse:
    """Retry a failed analysis, when the analysis pipeline is installed."""
    report = _reviewable_report(request, pk)
    version = report.versions.filter(number=report.version).first()
    if version is None:
        raise PermissionDenied
    try:
        from reports.pipeline import enqueue_analysis
    except ImportError:
        messages.warning(request, "分析服务暂不可用，请稍后再试")
        return redirect("review_report", pk=pk)
    enqueue_analysis(version.pk)
    messages.success(request, "已重新提交分析，请稍后刷新页面")
    return redirect("review_report", pk=pk)


@login_required
def review_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The review comments as the school reads them (everyone who sees the report may)."""
    report = _visible_report(request, pk)
    actions = (
        report.review_actions.exclude(kind=ReviewKind.OPEN)
        .select_related("actor", "version")
        .order_by("-created_at", "-pk")
    )
    rows = []
    for action in actions:
        rows.append(
            {
                "action": action,
                "sections": [
                    {
                        "title": s["title"],
                        "comment": action.section_comments.get(s["key"], ""),
                        "text": action.version.sections.get(s["key"], ""),
                    }
                    for s in report.campaign.sections
                    if action.section_comments.get(s["key"])
                ],
            }
        )
    return render(
        request,
        "reports/review/feedback.html",
        {"report": report, "rows": rows, "is_staff": is_bureau_staff(request.user)},
    )


# ---------------------------------------------------------------- notifications


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notes = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/review/notifications.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    if note.url.startswith("/") and not note.url.startswith("//"):
        return redirect(note.url)
    return redirect("notifications")


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    from reports.notifications import mark_all_read

    count = mark_all_read(request.user)
    messages.success(request, f"已将 {count} 条通知标为已读" if count else "没有未读通知")
    return redirect("notifications")


# ---------------------------------------------------------------- rectification follow-up


@login_required
def rectification_followup(request: HttpRequest) -> HttpResponse:
    """Open items across the user's schools, overdue ones first."""
    _staff(request)
    today = timezone.localdate()
    items = (
        scope_to_user(RectificationItem.objects.all(), request.user, via="organization")
        .exclude(status=RectificationStatus.VERIFIED)
        .select_related("organization__parent", "report__campaign")
        .annotate(
            overdue=Case(
                When(due_date__lt=today, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )
    status = request.GET.get("status", "")
    if status in RectificationStatus.values:
        items = items.filter(status=status)
    items = items.order_by("-overdue", F("due_date").asc(nulls_last=True), "organization__path")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.can_act = can_follow_up(request.user, item)
    return render(
        request,
        "reports/review/rectifications.html",
        {
            "page": page,
            "status": status,
            "statuses": [
                c for c in RectificationStatus.choices if c[0] != RectificationStatus.VERIFIED
            ],
        },
    )


def _followup_item(request: HttpRequest, pk: int) -> RectificationItem:
    item = get_object_or_404(
        scope_to_user(
            RectificationItem.objects.select_related("report__organization"),
            request.user,
            via="organization",
        ),
        pk=pk,
    )
    if not can_follow_up(request.user, item):
        raise PermissionDenied
    return item


@require_POST
@login_required
def rectification_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _followup_item(request, pk)
    try:
        rectification_verify(
            item_id=item.pk,
            reviewer=request.user,
            comment=request.POST.get("comment", "").strip(),
            request=request,
        )
        messages.success(request, "已核实，该整改事项已闭环")
    except NotAllowed:
        raise PermissionDenied from None
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("rectification_followup")


@require_POST
@login_required
def rectification_send_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _followup_item(request, pk)
    try:
        rectification_send_back(
            item_id=item.pk,
            reviewer=request.user,
            comment=request.POST.get("comment", ""),
            request=request,
        )
        messages.success(request, "已退回学校继续整改")
    except NotAllowed:
        raise PermissionDenied from None
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("rectification_followup")


# ---------------------------------------------------------------- supervisor overview


def progress_by_child(campaign: Campaign, children: list[Organization], reports, now):
    """Counts per child unit in one query, grouped by the child whose path prefixes the
    school's path."""
    if not children:
        return {}
    child_of = Case(
        *[When(organization__path__startswith=c.path, then=Value(c.pk)) for c in children],
        default=Value(None),
        output_field=IntegerField(),
    )
    rows = (
        with_latest_analysis(reports.filter(campaign=campaign))
        .annotate(child=child_of)
        .exclude(child=None)
        .values("child")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(version__gt=0)),
            approved=Count("pk", filter=Q(state=ReportState.APPROVED)),
            returned=Count("pk", filter=Q(state=ReportState.RETURNED)),
            late=Count("pk", filter=overdue_q(now)),
            flagged=Count("pk", filter=ANY_FLAG),
        )
        .order_by()
    )
    return {row["child"]: row for row in rows}


@login_required
def review_overview(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Progress per child unit (submitted / approved / late / flagged), drill-down, read-only."""
    _staff(request)
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=campaign_id)
    visible = units_visible_to(request.user)
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        unit = get_object_or_404(visible, pk=int(unit_id))
    else:
        unit = user_unit(request.user) or campaign.target_unit
    children = list(unit.children.order_by("kind", "code"))
    now = timezone.now()
    reports = reports_visible_to(request.user)
    progress = progress_by_child(campaign, children, reports, now)
    school_reports = {
        r.organization_id: r
        for r in with_latest_analysis(
            reports.filter(campaign=campaign, organization__in=[c for c in children if c.is_school])
        )
    }
    rows = []
    for child in children:
        counts = progress.get(child.pk)
        if counts is None and not child.is_school:
            continue  # no target school below it
        report = school_reports.get(child.pk)
        if child.is_school and report is None:
            continue
        if report is not None:
            report.flag_badges = flag_badges(report.flags or {}, report.copied)
        rows.append({"unit": child, "counts": counts or {}, "report": report})
    totals = {
        key: sum(r["counts"].get(key, 0) for r in rows)
        for key in ("total", "submitted", "approved", "returned", "late", "flagged")
    }
    trail = list(
        visible.filter(pk__in=[*unit.ancestor_ids(), unit.pk]).order_by("depth")
        if not request.user.is_superuser
        else Organization.objects.filter(pk__in=[*unit.ancestor_ids(), unit.pk]).order_by("depth")
    )
    return render(
        request,
        "reports/review/overview.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rows": rows,
            "totals": totals,
            "trail": trail,
            "queue_url": reverse("review_queue") + f"?campaign={campaign.pk}",
        },
    )

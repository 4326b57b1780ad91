"""Copies traced to their source: the side-by-side view, the queue's source names, and the
list of reports that copied from a report.

The analysis stores each copied passage as ``{"start", "end", "source", "source_label",
"source_start", "source_end", "similarity"}`` with ``source`` = ``version:<id>`` (another
school's submitted version) or ``reference:<id>`` (the 范文库). Decision on what a reviewer
sees of the other side: another school's text only when that report is in the reviewer's
own scope (``reports_visible_to``); otherwise the school's name, period and the shared
passage alone. The 范文库 is open to every reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports.models import AnalysisResult, ReferenceText, Report, ReportVersion, User
from reports.selectors import reports_visible_to


@dataclass
class Source:
    """The other side of a copied passage."""

    key: str
    label: str
    school: str = ""
    period: str = ""
    text: str | None = None  # None: not for this reviewer's eyes (name and passage only)
    report_id: int | None = None


def copies_of(analysis: AnalysisResult | None) -> list[dict[str, Any]]:
    if analysis is None:
        return []
    return [c for c in (analysis.result or {}).get("copies") or [] if isinstance(c, dict)]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def source_for(user: User, key: str) -> Source | None:
    """The source named ``key`` as ``user`` may see it (None: it no longer exists)."""
    kind, _, raw = str(key).partition(":")
    pk = _int(raw)
    if pk is None:
        return None
    if kind == "reference":
        ref = ReferenceText.objects.filter(pk=pk).first()
        return ref and Source(key, f"范文库：{ref.title}", text=ref.text)
    if kind != "version":
        return None
    version = (
        ReportVersion.objects.filter(pk=pk)
        .select_related("report__organization", "report__campaign")
        .first()
    )
    if version is None:
        return None
    report = version.report
    visible = reports_visible_to(user).filter(pk=report.pk).exists()
    return Source(
        key,
        f"{report.organization.name} · {report.campaign.period} · 第{version.number}版",
        school=report.organization.name,
        period=report.campaign.period,
        text=version.text if visible else None,
        report_id=report.pk if visible else None,
    )


def _clip(text: str, start: Any, end: Any) -> str:
    a, b = _int(start), _int(end)
    if a is None or b is None:
        return ""
    a, b = max(0, min(a, len(text))), max(0, min(b, len(text)))
    return text[a:b]


def side_by_side(
    user: User, text: str, copies: list[dict[str, Any]], source_key: str
) -> dict[str, Any] | None:
    """Every passage this text shares with ``source_key``, aligned pair by pair."""
    source = source_for(user, source_key)
    if source is None:
        return None
    pairs = []
    for item in sorted(
        (c for c in copies if c.get("source") == source_key),
        key=lambda c: _int(c.get("start")) or 0,
    ):
        mine = _clip(text, item.get("start"), item.get("end"))
        theirs = (
            _clip(source.text, item.get("source_start"), item.get("source_end"))
            if (source.text is not None)
            else ""
        )
        pairs.append({"mine": mine, "theirs": theirs, "similarity": item.get("similarity")})
    return {"source": source, "pairs": pairs}


def source_names(copies: Any) -> list[str]:
    """The distinct sources ``copies`` (an analysis's ``result["copies"]``) names, in order
    of first mention: the school (or 范文库 title) of each label, for the queue's 雷同 flag."""
    seen: dict[str, None] = {}
    for item in copies or []:
        if isinstance(item, dict):
            label = str(item.get("source_label") or item.get("source") or "")
            seen[label.split(" · ")[0]] = None
    return [n for n in seen if n]


def copied_from(user: User, report: Report) -> dict[str, Any]:
    """Reports whose current analysis names a version of ``report`` as a source: those the
    user may see, and how many others (outside the user's scope) did."""
    copying = (
        Report.objects.exclude(pk=report.pk)
        .filter(versions__analysis__copy_sources__source__report=report)
        .distinct()
    )
    visible = list(
        reports_visible_to(user)
        .filter(pk__in=copying.values("pk"))
        .select_related("organization", "campaign")
        .order_by("organization__path")
    )
    return {"visible": visible, "hidden": copying.count() - len(visible)}

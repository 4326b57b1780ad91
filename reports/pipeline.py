"""The analysis pipeline: a submitted version is analysed off the request path.

Handing a version to Celery (``enqueue_analysis``, the re-sending of what a down broker left
pending) lives with the tasks in ``reports.tasks``; this module is the work itself.

``run_analysis`` is what the worker does: idempotent (a version already analysed by the
current analyser is left alone), it runs the pure engine (``reports.analysis``), queries
and then extends the copy index, compares the numbers in the prose with the form's
fields, and stores the result, a small ``flags`` summary and a ``risk`` score for the
reviewer's queue.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from reports import chrome, copyindex, events, peers
from reports.analysis import ANALYZER_VERSION, Analysis, analysis_to_dict, analyze
from reports.analysis.anomalies import find_anomalies
from reports.analysis.boilerplate import drop_boilerplate, own_share
from reports.analysis.copies import CopyIndex
from reports.analysis.names import find_other_names
from reports.choices import AnalysisState
from reports.indicators import computed_values
from reports.models import (
    AnalysisResult,
    Campaign,
    CopySource,
    IndicatorDefinition,
    ReferenceText,
    Report,
    ReportVersion,
)
from reports.rules import return_scope
from reports.selectors import previous_report

log = logging.getLogger(__name__)

# A report counts as "copied" (雷同) in queues, dashboards and exports from this share of its
# text on: template sentences every school shares should not flag everyone.
COPIED_SHARE_FLAG = 0.2
# 照搬上期 from this share of the text found word for word in the school's previous report:
# a report that keeps last term's paragraphs on the school's own measures is normal, one
# that is mostly last term's text has not looked at this term.
SELF_COPY_FLAG = 0.5


def run_analysis(version_id: int, *, force: bool = False) -> AnalysisResult:
    with transaction.atomic():
        result, _ = AnalysisResult.objects.select_for_update().get_or_create(version_id=version_id)
        if (
            not force
            and result.state == AnalysisState.DONE
            and result.analyzer_version == ANALYZER_VERSION
        ):
            return result
        result.state = AnalysisState.RUNNING
        result.started_at = timezone.now()
        result.attempts += 1
        result.save(update_fields=["state", "started_at", "attempts"])
    began = time.monotonic()
    try:
        payload, flags, stale = _analyse(version_id)
    except Exception as exc:
        AnalysisResult.objects.filter(pk=result.pk).update(
            state=AnalysisState.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    result.result, result.flags = payload, flags
    result.copied_share = flags["copied_share"]
    result.risk = risk_score(flags)
    result.state = AnalysisState.DONE
    result.analyzer_version = ANALYZER_VERSION
    result.error = ""
    result.finished_at = timezone.now()
    result.duration_ms = int((time.monotonic() - began) * 1000)
    with transaction.atomic():
        result.save()
        record_copy_sources(result)
    if stale:
        # this text made a line a site's frame: the texts that held it learn it now
        events.analyses_stale.send(sender=None, version_ids=stale)
    return result


def record_copy_sources(result: AnalysisResult) -> None:
    """The versions ``result`` copied from, as ``CopySource`` rows (see the model)."""
    ids = {
        int(copy["source"].partition(":")[2])
        for copy in (result.result or {}).get("copies") or ()
        if str(copy.get("source", "")).startswith("version:")
    }
    CopySource.objects.filter(analysis=result).delete()
    existing = ReportVersion.objects.filter(pk__in=ids).values_list("pk", flat=True)
    CopySource.objects.bulk_create(
        [CopySource(analysis=result, source_id=pk) for pk in existing], ignore_conflicts=True
    )


def _analyse(version_id: int) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    version = ReportVersion.objects.select_related("report__campaign", "report__organization").get(
        pk=version_id
    )
    campaign = version.report.campaign
    text = version.text
    analysis = engine(campaign, text)
    site, stale = chrome.record(version, analysis.shape_lines)
    if site:
        analysis = engine(campaign, text, site)
    payload = text_payload(campaign, analysis, text, version.indicator_values)
    # Quoting policy documents is not copying: matches need a sentence's worth of text
    # outside the phrase library and outside what many schools in several counties share.
    found, common = copyindex.check_index_and_boilerplate(version)
    matches = drop_boilerplate(text, found, extra=common)
    labels = _source_labels({m.source for m in matches})
    payload["copies"] = [
        {
            "start": m.start,
            "end": m.end,
            "source": m.source,
            "source_label": labels.get(m.source, m.source),
            "source_start": m.source_start,
            "source_end": m.source_end,
            "similarity": round(m.similarity, 3),
        }
        for m in matches
    ]
    payload.update(reviewer_checks(version, _indicator_labels()))
    share = own_share(text, matches, extra=common)
    flags = {
        "copied_share": share,
        "copies": len(matches),
        "copied_from_reference": sum(m.source.startswith("reference:") for m in matches),
        "placeholders": len(payload["placeholders"]),
        "residue": len(payload["residue"]),
        "off_topic": bool(payload["topic"]["off_topic"]),
        "genre": payload["genre"],
        "not_report": payload["genre"] != "report",
        "contradictions": len(payload["contradictions"]),
        "burden_signals": len(payload["burden_signals"]),
        "missing_sections": len(payload["missing_kinds"]),
        "gaps": len(payload.get("gaps") or []),
        "other_names": len(payload["other_names"]),
        "anomalies": len(payload["anomalies"]),
        "self_copy_share": payload["self_copy"]["share"],
        "self_copy": payload["self_copy"]["share"] >= SELF_COPY_FLAG,
    }
    return payload, flags, stale


def engine(campaign: Campaign, text: str, site_lines: frozenset[int] = frozenset()) -> Analysis:
    """The engine on ``text`` with the campaign's topic, required sections and site lines."""
    required = [s["kind"] for s in campaign.sections if s.get("kind") != "other"]
    return analyze(text, topic=campaign.topic, required_kinds=required, site_lines=site_lines)


def text_payload(
    campaign: Campaign, analysis: Analysis, text: str, values: dict[str, Any]
) -> dict[str, Any]:
    """The steps the worker and the school's self-check share: the engine's findings, the
    campaign's required sections, and the prose numbers against the form's values."""
    payload = analysis_to_dict(analysis)
    payload["missing_kinds"] = analysis.missing_kinds
    payload["problems"], payload["measures"] = analysis.problems, analysis.measures
    labels_by_code = _indicator_labels()
    payload["contradictions"] = [
        {**c, "label": labels_by_code.get(c["indicator"], c["indicator"])}
        for c in contradictions(payload["numbers"], text, values)
    ]
    return payload


def draft_analysis(report: Report) -> dict[str, Any]:
    """What the reviewer would see about the school's draft (提交前自查), stored nowhere.

    The worker's steps on ``report.full_text()`` (the text a submission would freeze) with
    the values a submission would store, without the copy index (a draft is not indexed,
    and other schools' texts are not the school's business); plus two checks of the draft
    alone: ``other_units`` (套用他校, the reviewer's check of other units' names) and
    ``same_as_previous`` (section keys whose text equals the school's last submitted one).
    Offsets count characters of ``text``.
    """
    text = report.full_text()
    values = {**report.indicator_values, **computed_values(report.indicator_values)}
    analysis = engine(report.campaign, text)
    site = chrome.known(report.campaign_id, analysis.shape_lines)
    if site:
        analysis = engine(report.campaign, text, site)
    payload = text_payload(report.campaign, analysis, text, values)
    payload["text"] = text
    payload["other_units"] = [
        {"start": f.start, "end": f.end, "text": f.name}
        for f in find_other_names(text, peers.other_unit_names(report.organization, text))
    ]
    payload["same_as_previous"] = _same_as_previous(report)
    return payload


def _same_as_previous(report: Report) -> list[str]:
    """Keys of the sections whose text equals the school's last submitted text.

    A first submission is compared with the school's report of the previous campaign
    (matched by section key, then by kind): 照搬上期. A returned report is compared with the
    version the reviewer returned, and only where that matters: a section the return named
    and the school left as it was, or every section when an overall return is resubmitted
    wholly unchanged. Sections the reviewer did not ask to change are meant to stay."""
    returned = report.versions.order_by("-number").first()
    if returned is not None:
        same = _same_sections(report, returned, report.campaign.sections)
        scope = return_scope(report)
        if scope is not None:
            return [key for key in same if key in scope.sections]
        return same if len(same) == len(report.campaign.sections) else []
    previous = previous_report(report)
    source = previous.versions.order_by("-number").first() if previous else None
    if source is None:
        return []
    return _same_sections(report, source, previous.campaign.sections)


def _same_sections(report: Report, source: ReportVersion, template: list[dict]) -> list[str]:
    by_kind = {s["kind"]: s["key"] for s in template}
    same = []
    for section in report.campaign.sections:
        key = section["key"]
        old_key = key if key in source.sections else by_kind.get(section["kind"])
        mine = _squash(report.sections.get(key) or "")
        if mine and mine == _squash(source.sections.get(old_key) or ""):
            same.append(key)
    return same


def _squash(text: str) -> str:
    return "".join(text.split())


def _indicator_labels() -> dict[str, str]:
    return dict(IndicatorDefinition.objects.values_list("code", "label"))


def reviewer_checks(version: ReportVersion, labels: dict[str, str]) -> dict[str, Any]:
    """The checks that compare the report with its context: another unit's name left in
    the text (套用他校), form figures far from the previous period or the county (数据异常),
    last period's text carried over (照搬上期). Payload keys ``other_names``,
    ``anomalies``, ``self_copy``."""
    text = version.text
    school = version.report.organization
    other_names = [
        {"start": f.start, "end": f.end, "name": f.name, "clause": f.clause}
        for f in find_other_names(text, peers.other_unit_names(school, text))
    ]
    previous = peers.previous_version(version)
    before = previous.indicator_values if previous else {}
    anomalies = [
        {
            "indicator": a.indicator,
            "label": labels.get(a.indicator, a.indicator),
            "kind": a.kind,
            "value": _plain(a.value),
            "previous": _plain(a.previous),
            "median": _plain(a.median),
            "period": previous.report.campaign.period if previous else "",
        }
        for a in find_anomalies(version.indicator_values, before, peers.peer_values(version))
    ]
    self_copy: dict[str, Any] = {"share": 0.0, "spans": [], "period": ""}
    if previous is not None:
        index = CopyIndex()
        index.add("previous", previous.text)
        found = drop_boilerplate(text, index.query(text))
        self_copy = {
            "share": own_share(text, found),
            "spans": [{"start": m.start, "end": m.end} for m in found],
            "period": previous.report.campaign.period,
        }
    return {"other_names": other_names, "anomalies": anomalies, "self_copy": self_copy}


def _plain(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def _source_labels(sources: set[str]) -> dict[str, str]:
    version_ids = [int(s.split(":")[1]) for s in sources if s.startswith("version:")]
    reference_ids = [int(s.split(":")[1]) for s in sources if s.startswith("reference:")]
    labels = {}
    for v in ReportVersion.objects.filter(pk__in=version_ids).select_related(
        "report__organization", "report__campaign"
    ):
        labels[f"version:{v.pk}"] = (
            f"{v.report.organization.name} · {v.report.campaign.period} · 第{v.number}版"
        )
    for ref in ReferenceText.objects.filter(pk__in=reference_ids):
        labels[f"reference:{ref.pk}"] = f"范文库：{ref.title}"
    return labels


def risk_score(flags: dict[str, Any]) -> int:
    """Where to look first: copying weighs most, then what makes a report unusable."""
    return int(
        round(flags["copied_share"] * 100)
        + 10 * min(flags["placeholders"], 5)
        + 25 * flags["off_topic"]
        + 15 * flags["not_report"]
        + 10 * min(flags["contradictions"], 5)
        + 5 * min(flags["residue"], 4)
        + 5 * flags["missing_sections"]
        + 10 * min(flags.get("gaps", 0), 3)
        + 20 * min(flags.get("other_names", 0), 2)
        + 10 * min(flags.get("anomalies", 0), 3)
        + 30 * bool(flags.get("self_copy"))
    )


# Which prose numbers speak of which indicator: (code, units, words that must stand
# in the 24 characters before the number, words that must not).
INDICATOR_CUES: list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    ("after_school_rate", ("%",), ("课后服务",), ()),
    ("after_school_students", ("人", "名"), ("参加课后服务", "参与课后服务"), ("教师",)),
    (
        "enrolment",
        ("人", "名"),
        ("在校学生", "在校生", "全校学生", "全校共有学生"),
        ("参加", "参与"),
    ),
    ("homework_grade36", ("分钟",), ("三至六年级", "3-6年级", "三到六年级", "3至6年级"), ()),
    ("homework_junior", ("分钟",), ("初中",), ()),
    ("pe_minutes", ("分钟", "小时"), ("体育活动", "锻炼"), ()),
    ("after_school_days", ("天",), ("课后服务",), ()),
]
_WINDOW = 24
_CLAUSE_BREAK = re.compile(r"[。；;！!？?\n]")


def contradictions(
    numbers: list[dict[str, Any]], text: str, form: dict[str, Any]
) -> list[dict[str, Any]]:
    """Numbers in the prose that disagree with the value the school entered in the form."""
    found = []
    for number in numbers:
        if number["masked"] or number["value"] is None:
            continue
        before = text[
            max(number.get("clause_start", 0), number["start"] - _WINDOW) : number["start"]
        ]
        before = _CLAUSE_BREAK.split(before)[-1]
        for code, units, cues, vetoes in INDICATOR_CUES:
            form_value = form.get(code)
            if not isinstance(form_value, (int, float)) or isinstance(form_value, bool):
                continue
            if number["unit"] not in units or not any(c in before for c in cues):
                continue
            if any(v in before for v in vetoes):
                continue
            value = number["value"] * (60 if number["unit"] == "小时" else 1)
            value = int(value) if float(value).is_integer() else value
            if _disagrees(value, number["comparison"], float(form_value), code):
                found.append(
                    {
                        "indicator": code,
                        "form_value": form_value,
                        "text_value": value,
                        "start": number["start"],
                        "end": number["end"],
                        "text": number["text"],
                    }
                )
            break
    return found


def _disagrees(text_value: float, comparison: str | None, form_value: float, code: str) -> bool:
    tolerance = 1.0 if code.endswith("rate") else 0.0
    if comparison == "upper_bound":
        return form_value > text_value + tolerance
    if comparison == "lower_bound":
        return form_value + tolerance < text_value
    if comparison == "approx":
        return abs(form_value - text_value) > max(tolerance, 0.1 * text_value)
    if comparison in ("decrease", "increase"):
        return False  # a change, not a level
    return abs(form_value - text_value) > tolerance

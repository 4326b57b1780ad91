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

from reports import copyindex
from reports.analysis import ANALYZER_VERSION, analysis_to_dict, analyze
from reports.analysis.copies import copied_share
from reports.choices import AnalysisState, OrgKind
from reports.indicators import computed_values
from reports.models import (
    AnalysisResult,
    Campaign,
    IndicatorDefinition,
    Organization,
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
        payload, flags = _analyse(version_id)
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
    result.save()
    return result


def _analyse(version_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    version = ReportVersion.objects.select_related("report__campaign", "report__organization").get(
        pk=version_id
    )
    campaign = version.report.campaign
    text = version.text
    payload = text_payload(campaign, text, version.indicator_values)
    matches = copyindex.check_and_index(version)
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
    share = copied_share(text, matches)
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
    }
    return payload, flags


def text_payload(campaign: Campaign, text: str, values: dict[str, Any]) -> dict[str, Any]:
    """The steps the worker and the school's self-check share: the engine on the text, the
    campaign's required sections, and the prose numbers against the form's values."""
    required = [s["kind"] for s in campaign.sections if s.get("kind") != "other"]
    analysis = analyze(text, topic=campaign.topic, required_kinds=required)
    payload = analysis_to_dict(analysis)
    payload["missing_kinds"] = analysis.missing_kinds
    payload["problems"], payload["measures"] = analysis.problems, analysis.measures
    labels_by_code = dict(IndicatorDefinition.objects.values_list("code", "label"))
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
    alone: ``other_units`` (names of other units of the org tree left in the text) and
    ``same_as_previous`` (section keys whose text equals the school's last submitted one).
    Offsets count characters of ``text``.
    """
    text = report.full_text()
    values = {**report.indicator_values, **computed_values(report.indicator_values)}
    payload = text_payload(report.campaign, text, values)
    payload["text"] = text
    payload["other_units"] = other_unit_names(text, report.organization)
    payload["same_as_previous"] = _same_as_previous(report)
    return payload


# A unit name shorter than this is too likely to be a common word.
_MIN_UNIT_NAME = 4


def other_unit_names(text: str, organization: Organization) -> list[dict[str, Any]]:
    """Names of other schools found in ``text`` (a neighbour's report reused): the schools
    of the school's county (the whole tree when it has none) but this one, longest first so
    a name inside a longer one is not reported twice. The school's own bureau is expected
    in a report and not looked for."""
    county = (
        Organization.objects.filter(pk__in=organization.ancestor_ids(), kind=OrgKind.COUNTY)
        .order_by("-depth")
        .first()
    )
    schools = Organization.objects.filter(kind=OrgKind.SCHOOL).exclude(pk=organization.pk)
    if county is not None:
        schools = schools.filter(path__startswith=county.path)
    names = [n for n in schools.values_list("name", flat=True) if n in text]
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    own = organization.name
    for name in sorted({n for n in names if len(n) >= _MIN_UNIT_NAME}, key=len, reverse=True):
        if name in own:
            continue
        for match in re.finditer(re.escape(name), text):
            span = (match.start(), match.end())
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            found.append({"text": name, "start": span[0], "end": span[1]})
    return sorted(found, key=lambda f: f["start"])


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

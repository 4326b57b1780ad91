"""The school's report form: from POST data to the stored draft, and back to template rows.

Field names: ``section_<key>``, ``ind_<code>``, ``chk_<code>``, ``note_<code>``, ``revision``.
What cannot be parsed (letters in a number field) is still stored as typed, so nothing is
lost; ``report_errors`` then flags it at submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from reports import indicators
from reports.choices import Answer
from reports.models import IndicatorDefinition, Report


def parse_post(report: Report, data: QueryDict | dict) -> dict[str, Any]:
    """The draft content the form posted (only the campaign's own fields are read)."""
    sections = {
        s["key"]: _newlines(data.get(f"section_{s['key']}", report.sections.get(s["key"], "")))
        for s in report.campaign.sections
    }
    values: dict[str, Any] = dict(report.indicator_values)
    for definition in report.campaign.indicators.all():
        name = f"ind_{definition.code}"
        if name not in data:
            continue
        raw = data.get(name, "")
        value, error = indicators.parse_value(definition, raw)
        if error:
            values[definition.code] = raw.strip()
        elif value is None:
            values.pop(definition.code, None)
        else:
            values[definition.code] = value
    answers: dict[str, dict[str, str]] = dict(report.checklist_answers)
    for item in report.campaign.checklist_items.all():
        if f"chk_{item.code}" in data or f"note_{item.code}" in data:
            answer = data.get(f"chk_{item.code}", "")
            answers[item.code] = {
                "answer": answer if answer in Answer.values else "",
                "note": data.get(f"note_{item.code}", "").strip(),
            }
    return {"sections": sections, "indicator_values": values, "checklist_answers": answers}


def _newlines(text: str) -> str:
    """Browsers send textarea line breaks as CRLF; store plain LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class IndicatorRow:
    definition: IndicatorDefinition
    name: str
    value: Any
    previous: Any
    error: str | None


def indicator_rows(
    report: Report, previous_values: dict[str, Any], errors: dict[str, str]
) -> list[IndicatorRow]:
    definitions = indicators.applicable(report.campaign.indicators.all(), report.organization)
    rows = []
    for d in definitions:
        value = report.indicator_values.get(d.code)
        previous = previous_values.get(d.code)
        if d.kind == "yesno":
            value = {True: "yes", False: "no"}.get(value, value)
            previous = {True: "是", False: "否"}.get(previous, previous)
        rows.append(
            IndicatorRow(
                definition=d,
                name=f"ind_{d.code}",
                value="" if value is None else value,
                previous=previous,
                error=errors.get(f"ind_{d.code}"),
            )
        )
    return rows


def checklist_rows(report: Report, errors: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for item in report.campaign.checklist_items.all():
        answer = report.checklist_answers.get(item.code) or {}
        rows.append(
            {
                "item": item,
                "answer": answer.get("answer", ""),
                "note": answer.get("note", ""),
                "error": errors.get(f"chk_{item.code}"),
                "note_error": errors.get(f"note_{item.code}"),
            }
        )
    return rows


def section_rows(report: Report, errors: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            **section,
            "name": f"section_{section['key']}",
            "text": report.sections.get(section["key"], ""),
            "error": errors.get(f"section_{section['key']}"),
        }
        for section in report.campaign.sections
    ]

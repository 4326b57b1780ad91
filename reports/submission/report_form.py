"""The school's report form: from POST data to the stored draft, and back to template rows.

Field names: ``section_<key>``, ``ind_<code>``, ``chk_<code>``, ``note_<code>``, ``revision``.
What cannot be parsed (letters in a number field) is still stored as typed, so nothing is
lost; ``report_errors`` then flags it at submission. What must not be stored is refused
field by field, with a Chinese message, while the rest of the same save is kept:

* a section longer than ``MAX_SECTION_CHARS`` (``reports.limits``) keeps its previous text
  (the browser keeps the typed one: autosave never replaces a textarea);
* a number that is not finite (``nan``, ``inf``, ``1e400``) or absurdly large is kept as
  typed text, never as a JSON number (PostgreSQL refuses NaN);
* NUL characters, which PostgreSQL cannot store in text, are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from reports import indicators
from reports.choices import Answer
from reports.definitions import campaign_checklist_items, campaign_indicators
from reports.limits import MAX_NOTE_CHARS, MAX_SECTION_CHARS
from reports.models import IndicatorDefinition, Report
from reports.rules import return_scope


@dataclass
class ParsedForm:
    """The draft content the form posted, and the Chinese message of each refused field."""

    data: dict[str, Any]
    errors: dict[str, str]


def parse_revision(raw: Any) -> int | None:
    """The revision the editor loaded, or None when missing or malformed (``abc``, ``1.5``,
    empty): the save is then refused as from an unknown revision, never a 500."""
    if not isinstance(raw, str) or not raw.strip().isascii():
        return None
    text = raw.strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def parse_form(report: Report, data: QueryDict | dict) -> ParsedForm:
    """Read the campaign's own fields from the POST; refuse what cannot be stored."""
    errors: dict[str, str] = {}
    sections: dict[str, str] = {}
    for s in report.campaign.sections:
        name, stored = f"section_{s['key']}", report.sections.get(s["key"], "")
        text = _clean(data.get(name, stored))
        if len(text) > MAX_SECTION_CHARS:
            errors[name] = (
                f"“{s['title']}”共 {len(text):,} 字，超过每栏 {MAX_SECTION_CHARS:,} 字的上限，"
                "本栏这次没有保存（页面上的文字仍在）；请精简或拆分，或将全文作为附件上传"
            )
            text = stored
        sections[s["key"]] = text
    values: dict[str, Any] = dict(report.indicator_values)
    for definition in campaign_indicators(report.campaign):
        name = f"ind_{definition.code}"
        if name not in data:
            continue
        raw = _clean(data.get(name, "")).strip()
        value, error = indicators.parse_value(definition, raw)
        if error:
            errors[name] = f"{definition.label}：{error}"
            if len(raw) <= indicators.MAX_RAW_CHARS:
                values[definition.code] = raw  # kept as typed; flagged again at submission
        elif value is None:
            values.pop(definition.code, None)
        else:
            values[definition.code] = value
            problem = indicators.bound_error(definition, value)
            if problem:
                errors[name] = f"{definition.label}：{problem}"
    answers: dict[str, dict[str, str]] = dict(report.checklist_answers)
    for item in indicators.applicable(
        campaign_checklist_items(report.campaign), report.organization
    ):
        if f"chk_{item.code}" in data or f"note_{item.code}" in data:
            answer = data.get(f"chk_{item.code}", "")
            note = _clean(data.get(f"note_{item.code}", "")).strip()
            if len(note) > MAX_NOTE_CHARS:
                errors[f"note_{item.code}"] = (
                    f"说明共 {len(note):,} 字，超过 {MAX_NOTE_CHARS:,} 字的上限，这次没有保存"
                )
                note = (report.checklist_answers.get(item.code) or {}).get("note", "")
            answers[item.code] = {
                "answer": answer if answer in Answer.values else "",
                "note": note,
            }
    return ParsedForm(
        data={"sections": sections, "indicator_values": values, "checklist_answers": answers},
        errors=errors,
    )


def parse_post(report: Report, data: QueryDict | dict) -> dict[str, Any]:
    """The draft content the form posted (only the campaign's own fields are read)."""
    return parse_form(report, data).data


def clean_text(text: Any) -> str:
    """Plain LF line breaks, no NUL (PostgreSQL cannot store it in text or JSON)."""
    return _newlines(str(text)).replace("\x00", "")


_clean = clean_text


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
    #: the stored value as entered, for read-only pages ("0", "是", "45 分钟/天", "—")
    display: str = "—"
    locked: bool = False  # a return that named other indicators keeps this one as submitted


def indicator_rows(
    report: Report, previous_values: dict[str, Any], errors: dict[str, str]
) -> list[IndicatorRow]:
    definitions = indicators.applicable(campaign_indicators(report.campaign), report.organization)
    scope = return_scope(report)
    rows = []
    for d in definitions:
        stored = report.indicator_values.get(d.code)
        value = {True: "yes", False: "no"}.get(stored, stored) if d.kind == "yesno" else stored
        previous = previous_values.get(d.code)
        rows.append(
            IndicatorRow(
                definition=d,
                name=f"ind_{d.code}",
                value="" if value is None else value,
                previous=None if previous is None else indicators.display_value(d, previous),
                error=errors.get(f"ind_{d.code}"),
                display=indicators.display_value(d, stored),
                locked=scope is not None and d.code not in scope.indicators,
            )
        )
    return rows


def checklist_rows(
    report: Report, errors: dict[str, str], typed: QueryDict | dict | None = None
) -> list[dict[str, Any]]:
    locked = return_scope(report) is not None  # a return naming sections keeps the checklist
    rows = []
    items = indicators.applicable(campaign_checklist_items(report.campaign), report.organization)
    for item in items:
        answer = report.checklist_answers.get(item.code) or {}
        note, name = answer.get("note", ""), f"note_{item.code}"
        if typed is not None and name in errors and name in typed:
            note = _clean(typed.get(name, ""))
        rows.append(
            {
                "item": item,
                "answer": answer.get("answer", ""),
                "note": note,
                "error": errors.get(f"chk_{item.code}"),
                "note_error": errors.get(f"note_{item.code}"),
                "locked": locked,
            }
        )
    return rows


def section_rows(
    report: Report, errors: dict[str, str], typed: QueryDict | dict | None = None
) -> list[dict[str, Any]]:
    """``typed``: the POST of a save that refused a section; its text is shown again as typed."""
    scope = return_scope(report)  # the return's comment above each section; unnamed ones locked
    rows = []
    for section in report.campaign.sections:
        name = f"section_{section['key']}"
        text = report.sections.get(section["key"], "")
        if typed is not None and name in errors and name in typed:
            text = _clean(typed.get(name, ""))
        rows.append({**section, "name": name, "text": text, "error": errors.get(name)})
        if scope is not None:
            rows[-1]["comment"] = scope.comments.get(section["key"], "")
            rows[-1]["locked"] = section["key"] not in scope.sections
    return rows


def error_summary(
    sections: list[dict[str, Any]],
    indicator_rows: list[IndicatorRow],
    checklist: list[dict[str, Any]],
    errors: dict[str, str],
) -> list[dict[str, str]]:
    """Each message once, in the order of the form, with the id of the field it links to
    (GOV.UK's error summary: "有 N 处需要修改", each a link to its field). A message that
    does not name its field gets the field's label in front ("在校学生数：不能小于 0人")."""
    ordered: list[tuple[str, str, str]] = []  # field name, anchor, label
    for s in sections:
        ordered.append((s["name"], f"id_{s['name']}", s["title"]))
    for row in indicator_rows:
        ordered.append((row.name, f"id_{row.name}", row.definition.label))
    for number, row in enumerate(checklist, start=1):
        code, label = row["item"].code, f"自查清单第 {number} 项"
        ordered += [
            (f"chk_{code}", f"id_chk_{code}", label),
            (f"note_{code}", f"id_note_{code}", label),
        ]
    summary = []
    for name, anchor, label in ordered:
        if name in errors:
            message = errors[name]
            if label not in message:
                message = f"{label}：{message}"
            summary.append({"href": f"#{anchor}", "message": message})
    shown = {name for name, _, _ in ordered}
    summary += [{"href": "", "message": m} for name, m in errors.items() if name not in shown]
    return summary

"""What a report must satisfy to be submitted: every section, indicator and checklist item,
checked against the campaign's template, with messages keyed by form field name.

Used by ``reports.workflow.report_submit`` (which refuses) and by the report form (which
shows the messages before the school presses 提交).
"""

from __future__ import annotations

from typing import Any

from reports import indicators
from reports.choices import Answer
from reports.definitions import campaign_checklist_items, campaign_indicators
from reports.models import Report


def report_errors(report: Report) -> dict[str, str]:
    """Everything that stops a submission, keyed by form field name, in Chinese."""
    errors: dict[str, str] = {}
    for section in report.campaign.sections:
        if not (report.sections.get(section["key"]) or "").strip():
            errors[f"section_{section['key']}"] = f"请填写“{section['title']}”"
    definitions = indicators.applicable(campaign_indicators(report.campaign), report.organization)
    values = {}
    for definition in definitions:
        raw = report.indicator_values.get(definition.code)
        value, problem = indicators.parse_value(definition, raw)
        if problem:
            errors[f"ind_{definition.code}"] = f"{problem}（现在填的是“{raw}”）"
            continue
        if value is None:
            if definition.code != "after_school_rate" and definition.kind != "time":
                errors[f"ind_{definition.code}"] = f"请填写“{definition.label}”"
            continue
        values[definition.code] = value
        problem = indicators.bound_error(definition, value)
        if problem:
            errors[f"ind_{definition.code}"] = problem
    asked = {d.code for d in definitions}
    for code, message in indicators.consistency_errors(values).items():
        if code in asked:
            errors.setdefault(f"ind_{code}", message)
    for item in indicators.applicable(
        campaign_checklist_items(report.campaign), report.organization
    ):
        answer = report.checklist_answers.get(item.code) or {}
        if answer.get("answer") not in Answer.values:
            errors[f"chk_{item.code}"] = "请选择落实情况"
        elif (
            answer["answer"] in (Answer.PARTIAL, Answer.NOT_DONE)
            and not answer.get("note", "").strip()
        ):
            errors[f"note_{item.code}"] = "选择“部分落实”或“未落实”时，请说明情况"
    return errors


def report_values_for_submit(report: Report) -> dict[str, Any]:
    return {**report.indicator_values, **indicators.computed_values(report.indicator_values)}

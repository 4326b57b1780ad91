"""A ZIP of every approved report of a unit, each rendered as .docx (title, unit, sections
with headings, indicator and checklist tables), named ``<code>_<name>.docx``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import IO, Any

from django.db.models import F
from django.utils import timezone

from reports.choices import ReportState
from reports.dashboards.exports.docx_style import (
    HEADING_STYLE,
    TITLE_STYLE,
    add_table,
    official_document,
)
from reports.dashboards.exports.names import safe_name
from reports.dashboards.exports.rows import ANSWER_LABELS
from reports.dashboards.exports.wording import join_title
from reports.dashboards.queries import scoped_reports
from reports.models import Campaign, Organization, ReportVersion, User

ORDINALS = "一二三四五六七八九十"


def entry_name(code: str, name: str) -> str:
    return f"{safe_name(code)}_{safe_name(name)}.docx"


def report_docx(version: ReportVersion, indicators: dict, checklist: dict) -> bytes:
    report = version.report
    campaign, school = report.campaign, report.organization
    doc = official_document()
    doc.add_paragraph(join_title(f"{school.name}{campaign.title}", "自查报告"), style=TITLE_STYLE)
    submitted = timezone.localtime(version.submitted_at)
    doc.add_paragraph(
        f"单位：{school.name}（{school.code}）　第{version.number}版　"
        f"提交时间：{submitted:%Y-%m-%d %H:%M}"
    )
    for i, section in enumerate(campaign.sections):
        doc.add_paragraph(f"{ORDINALS[i % 10]}、{section['title']}", style=HEADING_STYLE)
        for line in (version.sections.get(section["key"]) or "").splitlines():
            if line.strip():
                doc.add_paragraph(line.strip())
    rows = []
    for code, value in version.indicator_values.items():
        definition = indicators.get(code)
        if definition is None:
            continue
        if isinstance(value, bool):
            value = "是" if value else "否"
        rows.append([definition.label, value, definition.unit])
    if rows:
        doc.add_paragraph("附：主要指标", style=HEADING_STYLE)
        add_table(doc, ["指标", "数值", "单位"], rows)
    answers = [
        [
            item.text,
            ANSWER_LABELS.get((version.checklist_answers.get(code) or {}).get("answer"), ""),
        ]
        for code, item in checklist.items()
        if code in version.checklist_answers
    ]
    if answers:
        doc.add_paragraph("附：自查清单", style=HEADING_STYLE)
        add_table(doc, ["检查内容", "自查结果"], answers)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_bundle(
    target: str | IO[bytes],
    *,
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    on_row: Callable[[int], None] | None = None,
) -> int:
    approved = scoped_reports(campaign, unit, user).filter(state=ReportState.APPROVED)
    versions = (
        ReportVersion.objects.filter(report__in=approved, number=F("report__version"))
        .select_related("report__organization", "report__campaign")
        .order_by("report__organization__path")
    )
    indicators = {d.code: d for d in campaign.indicators.all()}
    checklist: dict[str, Any] = {
        i.code: i for i in campaign.checklist_items.order_by("order", "code")
    }
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for version in versions.iterator(chunk_size=200):
            school = version.report.organization
            archive.writestr(
                entry_name(school.code, school.name), report_docx(version, indicators, checklist)
            )
            count += 1
            if on_row is not None:
                on_row(count)
    return count

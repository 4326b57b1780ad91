"""导入已写好的报告: upload a .docx/.pdf/.txt — or paste the whole text, or press 按标题拆分 on
what was pasted into the form — see it split into the campaign's sections, each with the
original headings that went there, and confirm to replace the draft's sections.

The text before the first heading (title, salutation, sometimes a first paragraph of real
content) is shown in a box of its own with a choice: leave it out (the default: it is usually
the document's title) or put it in front of a section.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from reports.documents import MAX_IMPORT_BYTES, DocumentError, extract_text, split_sections
from reports.limits import MAX_SECTION_CHARS
from reports.models import Report
from reports.rules import WorkflowError, can_edit
from reports.services import reports as report_services
from reports.submission import report_form
from reports.submission.access import visible_report
from reports.submission.forms import DocumentImportForm

# A pasted text may hold every section at their longest.
MAX_PASTED_CHARS = 4 * MAX_SECTION_CHARS


@login_required
def report_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload or paste, see the split, confirm to replace the draft's sections."""
    report = visible_report(request, pk)
    if not can_edit(request.user, report):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, report)
    pasted = _pasted_text(report, request.POST) if request.method == "POST" else None
    form = DocumentImportForm(request.POST if pasted is None else None, request.FILES or None)
    context: dict[str, Any] = {"report": report, "form": form}
    if pasted is not None:
        if not pasted.strip():
            messages.warning(request, "没有可拆分的文字：请先把全文粘贴进来")
        elif len(pasted) > MAX_PASTED_CHARS:
            messages.error(request, f"粘贴的文字超过 {MAX_PASTED_CHARS:,} 字，请分栏粘贴")
        else:
            context.update(_preview(report, pasted))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise DocumentError(
                    f"文件大小 {upload.size / 1024 / 1024:.1f} MB 超过上限 "
                    f"{MAX_IMPORT_BYTES // 1024 // 1024} MB"
                )
            text = extract_text(upload.read(), upload.name)
        except DocumentError as exc:
            form.add_error("document", str(exc))
        else:
            context.update(_preview(report, text))
    return render(request, "submission/report_import.html", context)


def _pasted_text(report: Report, data: QueryDict) -> str | None:
    """The text to split without a file: the import page's paste box (``pasted``), or the
    report form's 按标题拆分 (``split_from`` names the section box holding the whole text;
    the other boxes' text follows it, so nothing on the form is dropped). None: a file."""
    if "pasted" in data:
        return report_form.clean_text(data.get("pasted", ""))
    names = [f"section_{s['key']}" for s in report.campaign.sections]
    source = data.get("split_from")
    if source not in names:
        return None
    first = report_form.clean_text(data.get(source, ""))
    others = [report_form.clean_text(data.get(n, "")) for n in names if n != source]
    return "\n".join([first, *[o for o in others if o.strip()]])


def _preview(report: Report, text: str) -> dict[str, Any]:
    split = split_sections(text, report.campaign.sections)
    return {
        "split": split,
        "preview": [
            {
                **s,
                "name": f"section_{s['key']}",
                "text": split.sections.get(s["key"], ""),
                "headings": split.matched_titles.get(s["key"], []),
            }
            for s in report.campaign.sections
        ],
    }


def _confirm(request: HttpRequest, report: Report) -> HttpResponse:
    data = _with_preamble(report, request.POST)
    parsed = report_form.parse_form(report, data)
    try:
        report_services.report_save_draft(
            report_id=report.pk,
            actor=request.user,
            revision=report_form.parse_revision(request.POST.get("revision")),
            sections=parsed.data["sections"],
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("report_detail", pk=report.pk)
    refused = [m for f, m in parsed.errors.items() if f.startswith("section_")]
    for message in refused:
        messages.warning(request, message)
    done = "已按您确认的分栏导入草稿"
    messages.success(request, done + ("（上述栏目除外）" if refused else ""))
    return redirect("report_detail", pk=report.pk)


def _with_preamble(report: Report, post: QueryDict) -> QueryDict:
    """The POST with the text before the first heading put in front of the section the
    school chose (``preamble_to``); unchanged when it chose to leave it out."""
    keys = {s["key"] for s in report.campaign.sections}
    target, preamble = post.get("preamble_to", ""), (post.get("preamble") or "").strip()
    if target not in keys or not preamble:
        return post
    data = post.copy()
    body = (data.get(f"section_{target}") or "").strip()
    data[f"section_{target}"] = f"{preamble}\n{body}" if body else preamble
    return data

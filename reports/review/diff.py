"""What changed between the version a reviewer returned and the resubmission."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from reports.choices import (
    ReviewKind,
)
from reports.models import (
    Report,
    ReportVersion,
)

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

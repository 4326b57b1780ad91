"""What a report is compared with beyond its own text: the school's previous report, the
county's other reports of the same campaign, the other units' names.

Reads only; used by the pipeline's flag computation (``reports.pipeline``).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F

from reports.choices import OrgKind
from reports.models import Organization, ReportVersion

#: unit-name suffixes dropped to get the name a text uses (白水县教育局 → 白水县)
_OFFICE_SUFFIXES = ("教育和体育局", "教育体育局", "教体局", "教育局", "教育厅")


def previous_version(version: ReportVersion) -> ReportVersion | None:
    """The school's last submitted version in the latest earlier campaign."""
    report = version.report
    return (
        ReportVersion.objects.select_related("report__campaign")
        .filter(
            report__organization_id=report.organization_id,
            report__campaign__opens_at__lt=report.campaign.opens_at,
        )
        .exclude(report_id=report.pk)
        .order_by("-report__campaign__opens_at", "-number")
        .first()
    )


def peer_values(version: ReportVersion) -> dict[str, list[object]]:
    """indicator code → the values the campaign's other schools entered in their current
    submitted version."""
    report = version.report
    rows = (
        ReportVersion.objects.filter(
            report__campaign_id=report.campaign_id, number=F("report__version")
        )  # each report's current version; portable (no DISTINCT ON, SQLite runs the demo)
        .exclude(report_id=report.pk)
        .values_list("indicator_values", flat=True)
    )
    values: dict[str, list[object]] = defaultdict(list)
    for indicator_values in rows:
        for code, value in (indicator_values or {}).items():
            values[code].append(value)
    return values


def other_unit_names(school: Organization) -> list[str]:
    """Names of every unit that is neither the school nor one of its ancestors — schools by
    their full name, offices by the place name (白水县教育局 → 白水县)."""
    own = {int(pk) for pk in school.path.strip("/").split("/") if pk}
    names = set()
    for pk, name, kind in Organization.objects.values_list("pk", "name", "kind"):
        if pk in own:
            continue
        if kind != OrgKind.SCHOOL:
            for suffix in _OFFICE_SUFFIXES:
                name = name.removesuffix(suffix)
        if name and name not in school.name:
            names.add(name)
    return sorted(names)

"""What a report is compared with beyond its own text: the school's previous report, the
county's other reports of the same campaign, the other units' names in the text.

Reads only; used by the pipeline's flag computation (``reports.pipeline``). Neither read
grows with the org tree (issue 19: a national campaign covers ~200,000 schools):

* ``other_unit_names`` looks up the text's candidate spans (``names.candidate_names``) in
  ``Organization.match_name`` with one indexed query, plus the few "odd" names no candidate
  can produce (their own partial index): design (a) of issue 19, chosen over a per-process
  cached automaton for the reasons in ``reports.analysis.names``. The lookup reads the
  committed tree each time, so a unit added or renamed a moment ago is found.
* ``peer_values`` reads the current figures of the county's other schools only (the county
  from ``selectors.county_of``), and only the indicators the anomaly check compares.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F
from django.db.models.fields.json import KeyTransform

from reports.analysis.anomalies import compared_codes
from reports.analysis.names import MIN_NAME_CHARS, candidate_names
from reports.models import Organization, ReportVersion
from reports.models.accounts import ODD_NAME
from reports.selectors import county_of


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
    """indicator code → the values the other schools of the school's county entered in their
    current submitted version of the same campaign, for the indicators of ``version`` that
    the anomaly check compares.

    The county is the school's county ancestor; a school under no county (a province's or a
    city's own school) is compared with the other schools under its parent. Two queries
    (the county, then the figures), neither growing with the campaign: the figures are read
    through the subtree's path index, each report's current version by its unique key.
    """
    report = version.report
    codes = compared_codes(version.indicator_values or {})
    school = report.organization
    county = county_of(school)
    scope = county.path if county else school.path.removesuffix(f"{school.pk}/")
    if not codes or scope in ("", "/"):
        return {}
    rows = (
        ReportVersion.objects.filter(
            report__campaign_id=report.campaign_id,
            report__organization__path__startswith=scope,
            number=F("report__version"),
        )  # each report's current version; portable (no DISTINCT ON, SQLite runs the demo)
        .exclude(report_id=report.pk)
        .annotate(
            **{f"v{i}": KeyTransform(code, "indicator_values") for i, code in enumerate(codes)}
        )
        .values_list(*(f"v{i}" for i in range(len(codes))))
    )
    values: dict[str, list[object]] = defaultdict(list)
    for row in rows:
        for code, value in zip(codes, row, strict=True):
            if value is not None:
                values[code].append(value)
    return values


def other_unit_names(school: Organization, text: str) -> list[str]:
    """The names in ``text`` of units that are neither the school nor one of its ancestors —
    schools by their full name, offices by the place name (白水县教育局 → 白水县) — plus
    every odd name (``names.is_odd_name``), which ``find_other_names`` then looks for.

    One query: the candidate spans through the ``match_name`` index, the odd names through
    their partial index.
    """
    own = {int(pk) for pk in school.path.strip("/").split("/") if pk} | {school.pk}
    candidates = [c for c in candidate_names(text) if c not in school.name]
    named = Organization.objects.filter(match_name__in=candidates).values_list("pk", "match_name")
    odd = Organization.objects.filter(ODD_NAME).values_list("pk", "match_name")
    rows = named.order_by().union(odd.order_by(), all=True)
    return sorted(
        {
            name
            for pk, name in rows
            if pk not in own and len(name) >= MIN_NAME_CHARS and name not in school.name
        }
    )

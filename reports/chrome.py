"""The campaign's count of template-site frames: chrome no marker names.

A template site prints the same frame around every page it serves (navigation, notices,
interface strings, footers), so when several schools of a campaign paste from the same
site, the same short lines stand at the edges of their texts. The engine reports each
text's chrome-shaped lines by key (``analysis.residue.ShapeLine``); ``record`` keeps a
school's edge lines as ``ChromeLine`` rows (its latest analysed text only) and reads how
many schools share each key. A key at the edge of ``SITE_LINE_SCHOOLS`` schools' texts,
beside residue a marker found in at least one of them, is a *site line*: the engine
analyses the text again with it, and every chrome-shaped line with that key is residue.

Why beside residue: a county's own template also repeats short lines in every school's
report (table headers, form labels); without a marker near them they never count as a
site's frame, so a template the bureau sent out never raises 网页残留.

When a school's rows make a key a site line, the schools whose texts already held it are
analysed again (``record`` returns their versions; the pipeline sends
``events.analyses_stale`` after it has stored its own result). A key that stops being a
site line (a school's new text dropped it) leaves the others' results as they are until
they are analysed again.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.db import transaction
from django.db.models import Count, F, Q

from reports.analysis.residue import SITE_LINE_SCHOOLS, ShapeLine
from reports.models import ChromeLine, ReportVersion


def _is_site(schools: int, chrome: int) -> bool:
    return schools >= SITE_LINE_SCHOOLS and chrome > 0


def _counts(campaign_id: int, keys: Collection[int]) -> dict[int, tuple[int, int]]:
    """key → (schools whose text has it at an edge, schools where it stood by residue)."""
    if not keys:
        return {}
    rows = (
        ChromeLine.objects.filter(campaign_id=campaign_id, key__in=list(keys))
        .values("key")
        .annotate(schools=Count("organization_id"), chrome=Count("pk", filter=Q(chrome=True)))
    )
    return {r["key"]: (r["schools"], r["chrome"]) for r in rows}


def known(campaign_id: int, lines: Sequence[ShapeLine]) -> frozenset[int]:
    """The site lines among ``lines`` as the campaign counts them now (reads only: a
    school's draft self-check)."""
    counts = _counts(campaign_id, {line.key for line in lines})
    return frozenset(k for k, (n, c) in counts.items() if _is_site(n, c))


def record(version: ReportVersion, lines: Sequence[ShapeLine]) -> tuple[frozenset[int], list[int]]:
    """Store the school's edge lines for the version's campaign; returns the site lines
    among ``lines`` and the current versions of other schools' reports whose texts hold a
    key this school's rows just made a site line (to be analysed again)."""
    report = version.report
    campaign_id, org_id = report.campaign_id, report.organization_id
    mine: dict[int, bool] = {}
    for line in lines:
        if line.edge:
            mine[line.key] = mine.get(line.key, False) or line.chrome
    with transaction.atomic():
        own = ChromeLine.objects.filter(campaign_id=campaign_id, organization_id=org_id)
        before = dict(own.values_list("key", "chrome"))
        own.delete()
        ChromeLine.objects.bulk_create(
            [
                ChromeLine(campaign_id=campaign_id, organization_id=org_id, key=k, chrome=c)
                for k, c in mine.items()
            ],
            ignore_conflicts=True,
        )
    counts = _counts(campaign_id, {line.key for line in lines})
    site = frozenset(k for k, (n, c) in counts.items() if _is_site(n, c))
    crossed = []
    for key in site & mine.keys():
        schools, chrome = counts[key]
        had = key in before
        if not _is_site(schools - 1 + had, chrome - mine[key] + before.get(key, False)):
            crossed.append(key)
    stale: list[int] = []
    if crossed:
        others = (
            ChromeLine.objects.filter(campaign_id=campaign_id, key__in=crossed)
            .exclude(organization_id=org_id)
            .values("organization_id")
        )
        stale = list(
            ReportVersion.objects.filter(
                report__campaign_id=campaign_id,
                report__organization_id__in=others,
                number=F("report__version"),
                analysis__isnull=False,
            ).values_list("pk", flat=True)
        )
    return site, stale

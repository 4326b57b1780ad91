"""Analysis results, the reference library (范文库) and the copy-detection index."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from reports.choices import (
    AnalysisState,
)
from reports.models.reports import ReportVersion


class AnalysisResult(models.Model):
    """The text analysis of one submitted version (``reports.analysis`` output + flags).

    ``flags`` is a small summary the queue filters and sorts on (copied share, counts of
    placeholders / residue / contradictions, off-topic, genre); ``result`` the full output.
    """

    version = models.OneToOneField(ReportVersion, on_delete=models.CASCADE, related_name="analysis")
    state = models.CharField(
        "状态", max_length=16, choices=AnalysisState.choices, default=AnalysisState.PENDING
    )
    analyzer_version = models.CharField(max_length=16, blank=True, default="")
    result = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=dict, blank=True)
    risk = models.PositiveIntegerField("风险分", default=0, db_index=True)
    copied_share = models.FloatField("雷同比例", default=0)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "文本分析"
        verbose_name_plural = "文本分析"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=AnalysisState.values), name="analysis_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.get_state_display()}"


class CopySource(models.Model):
    """A submitted version an analysis found copied passages from (one row per pair).

    Written with the analysis (``pipeline.run_analysis``) so a source report's review page
    finds who copied from it with one indexed query, instead of reading every analysis.
    """

    analysis = models.ForeignKey(
        AnalysisResult, on_delete=models.CASCADE, related_name="copy_sources"
    )
    source = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="copied_by")

    class Meta:
        verbose_name = "雷同来源"
        verbose_name_plural = "雷同来源"
        constraints = [
            models.UniqueConstraint(fields=["analysis", "source"], name="copy_source_once"),
        ]

    def __str__(self) -> str:
        return f"{self.analysis_id} ← {self.source_id}"


class ReferenceText(models.Model):
    """范文库: known template texts (from 范文 websites, earlier years) to detect copying from."""

    title = models.CharField("标题", max_length=200)
    source = models.CharField("来源", max_length=300, blank=True, default="")
    text = models.TextField("全文")
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "范文"
        verbose_name_plural = "范文库"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class CopyKey(models.Model):
    """One winnowed fingerprint of a submitted version or a reference text: the copy index.

    The index lives in the database so every worker answers the same. A row is the
    fingerprint ``key``, the school that wrote the text (``owner_id``; 0 for reference
    texts), the ``source`` (the version's id, or minus the reference text's id) and the
    offset ``pos`` of the fingerprinted gram in that text — and nothing else.

    On PostgreSQL the table has no primary-key constraint: its one full index is a **hash
    index on key** (migration 0008), which costs about half a B-tree's time per stored row
    and answers a lookup by key as fast, because the pipeline keeps at most
    ``copies.PER_KEY`` other schools' rows under a key. The composite primary key below is
    Django's view (and SQLite's table); nothing updates or deletes a single row. A version is
    indexed once (``IndexedVersion``). Versions never change, so their rows are never
    rewritten; the rows of a deleted version are skipped when its text is not found.
    """

    pk = models.CompositePrimaryKey("key", "owner_id", "source", "pos")
    key = models.BigIntegerField()
    owner_id = models.BigIntegerField()
    source = models.BigIntegerField()
    pos = models.IntegerField()

    class Meta:
        indexes = [
            # Only reference texts' rows enter it: they are rewritten when an admin edits one.
            models.Index(
                fields=["source"], condition=models.Q(source__lt=0), name="copy_key_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.source}:{self.pos}"


class IndexedVersion(models.Model):
    """A version whose fingerprints are in the copy index: written in the same transaction
    as its rows, so a retried task, a re-analysis or a second worker handed the same task
    does not store them twice."""

    version = models.OneToOneField(
        ReportVersion, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    #: the PostgreSQL transaction that stored the version's rows (``copyindex.UNSEEN``)
    claim_xid = models.BigIntegerField(null=True, db_index=True)

    def __str__(self) -> str:
        return f"indexed version {self.version_id}"


class ChromeLine(models.Model):
    """A chrome-shaped line at the edge of a school's latest text in a campaign, by key
    (``analysis.residue.line_key``): the campaign's count of template-site frames.

    ``reports.chrome`` writes a school's rows with each analysis and reads how many schools
    share a key; ``chrome`` says the line stood beside residue in that school's text.
    """

    campaign = models.ForeignKey("reports.Campaign", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "reports.Organization", on_delete=models.CASCADE, related_name="+"
    )
    key = models.BigIntegerField()
    chrome = models.BooleanField(default=False)

    class Meta:
        verbose_name = "网页框架行"
        verbose_name_plural = "网页框架行"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "key"], name="chrome_line_once"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "key"], name="chrome_line_key")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.organization_id}:{self.key}"

"""CopySource: which versions an analysis copied from, so a source report's review page
finds who copied from it with one indexed query (it read every analysis as text before).
Filled from the stored analyses."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    AnalysisResult = apps.get_model("reports", "AnalysisResult")
    CopySource = apps.get_model("reports", "CopySource")
    ReportVersion = apps.get_model("reports", "ReportVersion")
    rows = []
    analyses = AnalysisResult.objects.only("pk", "result").iterator(chunk_size=500)
    for analysis in analyses:
        for copy in (analysis.result or {}).get("copies") or ():
            source = str(copy.get("source", "")) if isinstance(copy, dict) else ""
            if source.startswith("version:") and source[8:].isdigit():
                rows.append((analysis.pk, int(source[8:])))
    existing = set(ReportVersion.objects.values_list("pk", flat=True))
    unique = sorted({row for row in rows if row[1] in existing})
    CopySource.objects.bulk_create(
        [CopySource(analysis_id=a, source_id=s) for a, s in unique], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0017_campaign_definitions_changed_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="CopySource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "analysis",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="copy_sources",
                        to="reports.analysisresult",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="copied_by",
                        to="reports.reportversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "雷同来源",
                "verbose_name_plural": "雷同来源",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("analysis", "source"), name="copy_source_once"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

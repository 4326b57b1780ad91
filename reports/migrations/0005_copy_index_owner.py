"""The copy index excludes a school's own texts: key passages by owner (school), not report.

No deployment holds index rows yet; on one that does, run ``manage.py reanalyze`` per
campaign afterwards to rebuild the index with owners.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_analysis_review_exports")]

    operations = [
        migrations.RemoveField(model_name="copypassage", name="report_id_ref"),
        migrations.AddField(
            model_name="copypassage",
            name="owner_id",
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
    ]

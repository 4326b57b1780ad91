"""Load the indicator and checklist catalogues (reports/catalogue.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from reports import catalogue

    catalogue.load_base(
        apps.get_model("reports", "IndicatorDefinition"),
        apps.get_model("reports", "ChecklistItemDefinition"),
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_campaigns_reports")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Checklist items follow the school's type like indicators (学段, 寄宿): the fields, and the
catalogue's scopes (reports/catalogue.py ``SCOPES``) applied to the existing rows."""

from django.db import migrations, models


def apply_scopes(apps, schema_editor):
    from reports import catalogue

    catalogue.load_scopes(
        apps.get_model("reports", "IndicatorDefinition"),
        apps.get_model("reports", "ChecklistItemDefinition"),
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_import_job")]
    operations = [
        migrations.AddField(
            model_name="checklistitemdefinition",
            name="school_types",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="空表示所有学段（及非学校单位）",
                verbose_name="适用学段",
            ),
        ),
        migrations.AddField(
            model_name="checklistitemdefinition",
            name="boarding_only",
            field=models.BooleanField(default=False, verbose_name="仅寄宿制学校"),
        ),
        migrations.AddField(
            model_name="indicatordefinition",
            name="boarding_only",
            field=models.BooleanField(default=False, verbose_name="仅寄宿制学校"),
        ),
        migrations.RunPython(apply_scopes, migrations.RunPython.noop),
    ]

"""Fingerprint scheme 3 (``copies.FINGERPRINT_VERSION``): 6-character grams, window 15,
open-syncmer order. Every stored key and which grams are kept change, so the copy index is
emptied and refilled from the texts, as ``manage.py rebuild_copy_index`` does, and thinned
and marked the way migration 0008 left an index.

A migration does not follow the code, but fingerprints can only come from the code that
will look them up: this one runs ``copies.winnow`` as it is when the migration runs.
"""

from importlib import import_module
from itertools import chain

from django.db import migrations

hash_migration = import_module("reports.migrations.0008_copy_index_hash")

BATCH = 5000


def refill(apps, schema_editor):
    from reports.analysis import copies

    CopyKey = apps.get_model("reports", "CopyKey")
    ReportVersion = apps.get_model("reports", "ReportVersion")
    ReferenceText = apps.get_model("reports", "ReferenceText")
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_indexedversion")
        cursor.execute("DELETE FROM reports_copykey")
        if postgres:  # filled without it, built once at the end
            cursor.execute("DROP INDEX IF EXISTS copy_key_hash")

    versions = ReportVersion.objects.values_list("report__organization_id", "pk", "text")
    references = ReferenceText.objects.filter(active=True).values_list("pk", "text")
    texts = chain(  # streamed: a province's texts do not fit in memory at once
        versions.iterator(chunk_size=500),
        ((0, -pk, text) for pk, text in references.iterator(chunk_size=500)),
    )
    batch = []
    for owner, source, text in texts:
        rows = copies.first_places(copies.winnow(text))
        batch.extend(CopyKey(key=k, owner_id=owner, source=source, pos=p) for k, p in rows.items())
        if len(batch) >= BATCH:
            CopyKey.objects.bulk_create(batch)
            batch = []
    CopyKey.objects.bulk_create(batch)

    with schema_editor.connection.cursor() as cursor:
        if postgres:
            hash_migration.thin(cursor)
            cursor.execute("CREATE INDEX copy_key_hash ON reports_copykey USING hash (key)")
        hash_migration.mark_indexed(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_copy_index_hash"),
    ]

    operations = [
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]

"""Report and reference texts compressed with lz4 on PostgreSQL (issue 17).

The copy query fetches up to 32 candidate texts whole (``copyindex._fetch``). PostgreSQL
compresses a text of ~5,000 Chinese characters to ~61 % with its default pglz and ~65 %
with lz4, and decompresses lz4 several times faster: 32 real-report texts fetched in
1.87 ms with lz4 against 2.60 ms with pglz (1.72 ms uncompressed), everything cached, the
same 127 TOAST blocks (benchmarks/RESULTS.md, "The copy query's text fetch"). Storing them
uncompressed (``STORAGE EXTERNAL``) would make a substring cheaper only in a single-byte
encoding; in UTF-8 PostgreSQL reads a substring from the text's first byte anyway, and
uncompressed texts take 1.6 times the memory that the national index is short of.

Only the column's setting changes (no table rewrite, a brief lock): rows written from now
on are compressed with lz4, existing rows keep pglz until they are written again (neither
VACUUM FULL nor CLUSTER recompresses them). Both read alike, so nothing needs rebuilding:
the previous campaign's texts age out with it. A server built without lz4, or older than
PostgreSQL 14, keeps pglz; SQLite has no such setting.
"""

from django.db import migrations

COLUMNS = [("ReportVersion", "text"), ("ReferenceText", "text")]


def _compress_with(method: str):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_settings "
                "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
            )
            if cursor.fetchone() is None:
                return
            for model, field in COLUMNS:
                meta = apps.get_model("reports", model)._meta
                column = schema_editor.quote_name(meta.get_field(field).column)
                cursor.execute(
                    f"ALTER TABLE {schema_editor.quote_name(meta.db_table)} "
                    f"ALTER COLUMN {column} SET COMPRESSION {method}"
                )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0018_copy_source"),
    ]

    operations = [
        migrations.RunPython(_compress_with("lz4"), _compress_with("pglz")),
    ]

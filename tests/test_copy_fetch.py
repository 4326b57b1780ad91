"""The copy query's text fetch on PostgreSQL (issue 17): the candidates' texts in one query,
stored compressed with lz4, and a passage copied deep inside a long text still found."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import copyindex
from reports.models import ReferenceText, Report, ReportVersion
from tests.factories import make_campaign
from tests.fixtures import fixture_text
from tests.test_pipeline import migrate_to

# Characters of everyday report prose: random sentences of them share no 20-character run.
CHARS = sorted(set("".join(fixture_text(n) for n in ("copy_source", "template", "masked_report"))))
CHARS = [c for c in CHARS if "\u4e00" <= c <= "\u9fff"]


def prose(rng: random.Random, chars: int) -> str:
    """Paragraphs of random sentences, ``chars`` characters or a few more."""
    paragraphs, size = [], 0
    while size < chars:
        sentences = ["".join(rng.choices(CHARS, k=rng.randint(15, 40))) + "。" for _ in range(4)]
        paragraphs.append("".join(sentences))
        size += len(paragraphs[-1]) + 1
    return "\n".join(paragraphs)


@pytest.fixture
def reports(world):
    campaign = make_campaign(world)
    return {
        school: Report.objects.get(campaign=campaign, organization=getattr(world, school))
        for school in ("school_a1", "school_a2")
    }


def version_of(report: Report, text: str) -> ReportVersion:
    return ReportVersion.objects.create(
        report=report, number=1, text=text, submitted_at=timezone.now()
    )


def test_a_passage_copied_from_deep_inside_a_long_report_is_found_where_it_stands(reports):
    rng = random.Random(17)
    pasted = fixture_text("copy_source").splitlines()[2]
    # 60,000 characters before the paragraph: several TOAST chunks and any window beyond
    head = prose(rng, 60_000)
    source = version_of(reports["school_a1"], f"{head}\n{pasted}\n{prose(rng, 2_000)}")
    assert copyindex.index_version(source) > 0
    copier = reports["school_a2"]
    text = f"{prose(rng, 1_500)}\n{pasted}\n{prose(rng, 1_500)}"

    matches = copyindex.query(text, exclude_owner_id=copier.organization_id)

    found = [m for m in matches if m.source == f"version:{source.pk}"]
    assert found, "the paragraph pasted from the end of a long report was not found"
    best = max(found, key=lambda m: m.end - m.start)
    assert best.similarity == 1.0
    assert best.source_start > len(head)
    assert source.text[best.source_start : best.source_end] == pasted.strip()
    assert text[best.start : best.end] == pasted.strip()
    # The pipeline's path (index, then look up) finds it the same way.
    again = version_of(copier, text)
    assert any(
        m.source == f"version:{source.pk}" and m.source_start == best.source_start
        for m in copyindex.check_and_index(again)
    )


def test_the_candidates_texts_come_in_one_query_and_gone_sources_drop_out(reports):
    kept = version_of(reports["school_a1"], fixture_text("copy_source"))
    gone = version_of(reports["school_a2"], fixture_text("template"))
    gone_pk = gone.pk
    gone.delete()
    reference = ReferenceText.objects.create(title="范文", text=fixture_text("template"))
    disabled = ReferenceText.objects.create(
        title="停用的范文", text=fixture_text("masked_report"), active=False
    )
    wanted = [
        f"version:{kept.pk}",
        f"version:{gone_pk}",
        f"reference:{reference.pk}",
        f"reference:{disabled.pk}",
    ]

    with CaptureQueriesContext(connection) as queries:
        texts = copyindex._fetch(wanted)

    assert len(queries) == 1
    assert texts == {
        f"version:{kept.pk}": kept.text,
        f"reference:{reference.pk}": reference.text,
    }
    with CaptureQueriesContext(connection) as queries:
        assert copyindex._fetch([]) == {}
    assert len(queries) == 0


def lz4_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings "
            "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
        return cursor.fetchone() is not None


def compression_settings() -> dict[str, tuple[str, str]]:
    """table → (storage, compression) of its ``text`` column, as pg_attribute spells them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attstorage, attcompression FROM pg_attribute "
            "WHERE attname = 'text' AND attrelid IN "
            "('reports_reportversion'::regclass, 'reports_referencetext'::regclass)"
        )
        return {table: (storage, compression) for table, storage, compression in cursor}


@pytest.mark.django_db(transaction=True)
def test_report_texts_are_stored_compressed_with_lz4_not_uncompressed(reports):
    """Uncompressed storage (EXTERNAL) would spare no read of a UTF-8 substring and cost
    1.6 times the memory; lz4 decompresses faster than pglz (migration 0019)."""
    if not lz4_available():
        pytest.skip("this PostgreSQL was built without lz4: the texts stay pglz")
    lz4 = {"reports_reportversion": ("x", "l"), "reports_referencetext": ("x", "l")}
    assert compression_settings() == lz4
    text = "\n".join(fixture_text(n) for n in ("copy_source", "template", "masked_report")) * 3
    version = version_of(reports["school_a1"], text)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(text), pg_column_size(text) < octet_length(text) "
            "FROM reports_reportversion WHERE id = %s",
            [version.pk],
        )
        assert cursor.fetchone() == ("lz4", True)
    assert copyindex._fetch([f"version:{version.pk}"]) == {f"version:{version.pk}": text}

    migrate_to(("reports", "0018_copy_source"))
    assert set(compression_settings().values()) == {("x", "p")}
    migrate_to()
    assert compression_settings() == lz4

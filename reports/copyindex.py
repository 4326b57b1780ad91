"""The copy index in the database, shared by every worker.

Each submitted version and each reference text is split into passages; a passage row keeps
the hash of its normalised text (exact matches) and its MinHash LSH band keys go into
``CopyBand`` (near-duplicates). A query fingerprints the new text, finds candidates with
two indexed SQL lookups, loads the candidate passages' text and confirms them in Python
with the same rule as the in-memory index (``analysis.copies.confirm_matches``).

A report is never compared with its own school's texts (``owner_id``): not itself, not
its earlier versions, not the school's reports of earlier campaigns (copy-forward is a
feature, not copying).
Memory stays flat whatever the index size: only the candidates of one report are loaded.
On PostgreSQL each band key contributes at most ``PER_KEY`` candidates (a LATERAL join),
so boilerplate shared by thousands of schools cannot blow a query up.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Substr

from reports.analysis import copies
from reports.models import CopyBand, CopyPassage, ReferenceText, ReportVersion

PER_KEY = 6
PER_PASSAGE = 8


def _store(fps: list[copies.PassageFingerprint], **owner) -> int:
    """Write passages and their band keys: COPY on PostgreSQL, bulk_create elsewhere."""
    if not fps:
        return 0
    if connection.vendor != "postgresql":
        rows = CopyPassage.objects.bulk_create(
            [
                CopyPassage(start=f.start, end=f.end, norm_len=f.norm_len, exact=f.exact, **owner)
                for f in fps
            ]
        )
        CopyBand.objects.bulk_create(
            [
                CopyBand(passage_id=r.pk, key=k, owner_id=owner.get("owner_id"))
                for r, f in zip(rows, fps, strict=True)
                for k in f.bands
            ]
        )
        return len(rows)
    passages, bands = CopyPassage._meta.db_table, CopyBand._meta.db_table
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor, inside the current transaction
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [passages, len(fps)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = 'id, version_id, reference_id, owner_id, start, "end", norm_len, exact'
        with cursor.copy(f"COPY {passages} ({columns}) FROM STDIN") as copy:
            for pk, f in zip(ids, fps, strict=True):
                copy.write_row(
                    (
                        pk,
                        owner.get("version").pk if owner.get("version") else None,
                        owner.get("reference").pk if owner.get("reference") else None,
                        owner.get("owner_id"),
                        f.start,
                        f.end,
                        f.norm_len,
                        f.exact,
                    )
                )
        owner_id = owner.get("owner_id")
        with cursor.copy(f"COPY {bands} (passage_id, key, owner_id) FROM STDIN") as copy:
            for pk, f in zip(ids, fps, strict=True):
                for key in f.bands:
                    copy.write_row((pk, key, owner_id))
    return len(fps)


def _delete(**owner) -> None:
    """Remove a source's passages without Django's cascade collector (thousands of rows)."""
    ids = CopyPassage.objects.filter(**owner).values("pk")
    CopyBand.objects.filter(passage_id__in=ids)._raw_delete(CopyBand.objects.db)
    CopyPassage.objects.filter(**owner)._raw_delete(CopyPassage.objects.db)


@transaction.atomic
def index_version(version: ReportVersion) -> int:
    """(Re)index one submitted version; idempotent."""
    _delete(version=version)
    return _store(
        copies.fingerprint(version.text),
        version=version,
        owner_id=version.report.organization_id,
    )


@transaction.atomic
def index_reference(reference: ReferenceText) -> int:
    _delete(reference=reference)
    if not reference.active:
        return 0
    return _store(copies.fingerprint(reference.text), reference=reference)


def _exact_hits(hashes: list[int], exclude_owner_id: int | None) -> dict[int, CopyPassage]:
    """hash → one indexed passage with that normalised text (not the school's own)."""
    if not hashes:
        return {}
    if connection.vendor == "postgresql":
        # One row per hash however common the passage is (boilerplate stands in thousands
        # of reports): a LATERAL lookup with LIMIT 1 instead of reading every duplicate.
        table = CopyPassage._meta.db_table
        sql = f"""
            SELECT x.id, x.exact, x.start, x."end", x.version_id, x.reference_id
            FROM unnest(%s::bigint[]) AS h,
            LATERAL (
                SELECT id, exact, start, "end", version_id, reference_id FROM {table}
                WHERE exact = h AND owner_id IS DISTINCT FROM %s LIMIT 1
            ) AS x
        """  # noqa: S608 - table name from model meta, values bound as parameters
        exclude = -1 if exclude_owner_id is None else exclude_owner_id
        rows = CopyPassage.objects.raw(sql, [hashes, exclude])
    else:
        rows = CopyPassage.objects.filter(exact__in=hashes)
        if exclude_owner_id is not None:
            rows = rows.exclude(owner_id=exclude_owner_id)
    hits: dict[int, CopyPassage] = {}
    for row in rows:
        hits.setdefault(row.exact, row)
    return hits


def _band_hits(keys: list[int], exclude_owner_id: int | None) -> dict[int, list[int]]:
    """band key → candidate passage ids (at most PER_KEY each on PostgreSQL)."""
    result: dict[int, list[int]] = defaultdict(list)
    if not keys:
        return result
    exclude = -1 if exclude_owner_id is None else exclude_owner_id
    if connection.vendor == "postgresql":
        # One index-only scan over the covering (key, owner_id, passage_id) index for all keys
        # at once; row_number() keeps at most PER_KEY candidates of a common key.
        sql = f"""
            SELECT key, passage_id FROM (
                SELECT key, passage_id,
                       row_number() OVER (PARTITION BY key ORDER BY passage_id) AS rank
                FROM {CopyBand._meta.db_table}
                WHERE key = ANY(%s::bigint[]) AND owner_id IS DISTINCT FROM %s
            ) AS ranked
            WHERE rank <= %s
        """  # noqa: S608 - table name from model meta, values bound as parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, [keys, exclude, PER_KEY])
            for key, passage_id in cursor.fetchall():
                result[key].append(passage_id)
        return result
    rows = CopyBand.objects.filter(key__in=keys).exclude(owner_id=exclude)
    for key, passage_id in rows.values_list("key", "passage_id"):
        result[key].append(passage_id)
    return result


def source_of(passage: CopyPassage) -> str:
    return (
        f"version:{passage.version_id}"
        if passage.version_id
        else f"reference:{passage.reference_id}"
    )


def query(text: str, *, exclude_owner_id: int | None = None) -> list[copies.CopyMatch]:
    """Passages of ``text`` that also stand in indexed versions or reference texts."""
    passages = copies.split_passages(text)
    if not passages:
        return []
    fps = copies.fingerprint_passages(passages)
    exact = _exact_hits(sorted({fp.exact for fp in fps}), exclude_owner_id)
    # Only passages not accounted for by exact twins need the near-duplicate lookup.
    wanted = copies.needs_candidates(passages, [fp.exact in exact for fp in fps])
    open_fps = [fp for fp, look in zip(fps, wanted, strict=True) if look]
    bands = _band_hits(sorted({k for fp in open_fps for k in fp.bands}), exclude_owner_id)
    per_passage: list[list[int]] = []
    for fp, look in zip(fps, wanted, strict=True):
        if not look:
            per_passage.append([])
            continue
        counts: dict[int, int] = defaultdict(int)
        for key in fp.bands:
            for pid in bands.get(key, ()):
                counts[pid] += 1
        per_passage.append(sorted(counts, key=lambda pid: (-counts[pid], pid))[:PER_PASSAGE])
    candidate_ids = {pid for ids in per_passage for pid in ids}
    # Only the candidate passages' own text travels, cut out by the database.
    rows = {
        row.pk: row
        for row in CopyPassage.objects.filter(pk__in=candidate_ids)
        .annotate(
            passage_text=Substr(
                Coalesce("version__text", "reference__text"), F("start") + 1, F("end") - F("start")
            )
        )
        .only("id", "start", "end", "version_id", "reference_id")
    }
    shingle_cache: dict[int, frozenset[str]] = {}

    def shingles_of(row: CopyPassage) -> frozenset[str]:
        if row.pk not in shingle_cache:
            shingle_cache[row.pk] = copies.shingles(copies.normalise(row.passage_text or ""))
        return shingle_cache[row.pk]

    by_fp = {id(fp): ids for fp, ids in zip(fps, per_passage, strict=True)}

    def exact_lookup(fp: copies.PassageFingerprint):
        row = exact.get(fp.exact)
        return (source_of(row), row.start, row.end) if row is not None else None

    def candidate_lookup(fp: copies.PassageFingerprint):
        return [
            (source_of(rows[pid]), rows[pid].start, rows[pid].end, shingles_of(rows[pid]))
            for pid in by_fp[id(fp)]
            if pid in rows
        ]

    return copies.confirm_matches(passages, fps, exact_lookup, candidate_lookup)

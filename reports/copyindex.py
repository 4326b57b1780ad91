"""The copy index in the database, shared by every worker.

Each submitted version and each active reference text is winnowed
(``analysis.copies.winnow``) and its fingerprints are stored as ``CopyKey`` rows, under a
hash index on the key (see ``CopyKey``). A query looks up the new text's fingerprint keys —
at most ``copies.PER_KEY`` rows per key, skipping the school's own texts —, then the
*context keys* (a gram with the next fingerprint, ``copies.context_keys``) of the keys that
came back crowded, fetches the texts of the candidate sources and confirms passage by
passage in Python with the same rule as the in-memory index (``analysis.copies.find_copies``).
A text stores a crowded key's context key in place of the key itself, so the true source of
a passage written in words many reports use stays findable beyond the first ``PER_KEY``
texts. Texts indexed before context keys existed have none: ``manage.py
rebuild_copy_index`` adds them (their plain keys are unchanged, so nothing is lost without).

A report is never compared with its own school's texts (``owner_id``): not itself, not its
earlier versions, not the school's reports of earlier campaigns (copy-forward is a feature,
not copying). Reference texts (owner 0) sort first under each key, so a passage found in
the 范文库 names the 范文 as its source.

Workers index at the same time. A version's rows are stored before its copies are looked
for, and its lookup is repeated among the versions stored by transactions that its first
lookup could not see (``UNSEEN``: each claim records its transaction id, the lookup is
preceded by a snapshot). Of two schools sending the same text at the same moment, the one
whose rows commit last always finds the other; a lookup before storing alone would have
let both miss each other.

Memory stays flat whatever the index size: only one report's hits and its candidates'
texts are loaded. Changing the fingerprint scheme (``copies.FINGERPRINT_VERSION``) means
``manage.py rebuild_copy_index``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from django.db import connection, transaction

from reports.analysis import copies
from reports.choices import OrgKind
from reports.models import CopyKey, IndexedVersion, Organization, ReferenceText, ReportVersion

REFERENCE_OWNER = 0


def _label(source: int) -> str:
    return f"version:{source}" if source > 0 else f"reference:{-source}"


def _store(rows: Mapping[int, int], owner_id: int, source: int) -> int:
    """Write one text's rows (key → position); returns how many."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        CopyKey.objects.bulk_create(
            [CopyKey(key=k, owner_id=owner_id, source=source, pos=p) for k, p in rows.items()]
        )
        return len(rows)
    # One binary COPY: PostgreSQL's fastest way in (benchmarks/RESULTS.md).
    sql = f"COPY {CopyKey._meta.db_table} (key, owner_id, source, pos) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as wrapper, connection.wrap_database_errors:
        with wrapper.cursor.copy(sql) as copy:  # the raw psycopg cursor
            copy.write(COPY_HEADER + binary_rows(rows, owner_id, source) + COPY_TRAILER)
    return len(rows)


def _claim(version_id: int) -> bool:
    """Mark a version indexed; False when it already was (by this or another worker).

    On PostgreSQL the mark records the transaction storing the rows (``UNSEEN``).
    """
    table = IndexedVersion._meta.db_table
    xid = "pg_current_xact_id()::text::bigint" if connection.vendor == "postgresql" else "NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (version_id, claim_xid) VALUES (%s, {xid}) "  # noqa: S608
            "ON CONFLICT DO NOTHING",
            [version_id],
        )
        return cursor.rowcount == 1


# PostgreSQL's binary COPY format: a header, per row the field count and each field as
# (length, big-endian value), then -1. Built with numpy in one go (~50 µs for a report,
# against ~2 ms for psycopg's row-by-row writer).
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"
_COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("key_len", ">i4"),
        ("key", ">i8"),
        ("owner_len", ">i4"),
        ("owner", ">i8"),
        ("source_len", ">i4"),
        ("source", ">i8"),
        ("pos_len", ">i4"),
        ("pos", ">i4"),
    ]
)


def binary_rows(rows: Mapping[int, int], owner_id: int, source: int) -> bytes:
    """One text's rows (key → position) as binary COPY rows (without header and trailer)."""
    n = len(rows)
    table = np.empty(n, dtype=_COPY_ROW)
    table["fields"], table["key_len"], table["owner_len"] = 4, 8, 8
    table["source_len"], table["pos_len"] = 8, 4
    table["key"] = np.fromiter(rows.keys(), np.int64, n)
    table["pos"] = np.fromiter(rows.values(), np.int32, n)
    table["owner"], table["source"] = owner_id, source
    return table.tobytes()


def index_version(
    version: ReportVersion,
    fps: copies.Fingerprints | None = None,
    held: Mapping[int, Sequence[tuple[str, int]]] | None = None,
) -> int:
    """Index one submitted version; returns the rows written (0 when already indexed).

    ``held`` is what the query just found for the version's keys: a key other schools'
    texts already hold ``PER_KEY`` times is not stored again (a lookup returns no more than
    that anyway), so a stock phrase does not grow the index with every report, and no key
    holds more than a few rows for a lookup to read. A version is indexed once: a retried
    task, a re-analysis or a second worker running the same task writes nothing.
    """
    rows = copies.first_places(fps if fps is not None else copies.winnow(version.text), held)
    with transaction.atomic():
        # A second worker on the same version waits here until the first commits.
        if not _claim(version.pk):
            return 0
        return _store(rows, version.report.organization_id, version.pk)


def check_and_index(version: ReportVersion) -> list[copies.CopyMatch]:
    """The version indexed, then the copies in it (see ``check_index_and_boilerplate``)."""
    return check_index_and_boilerplate(version)[0]


def check_index_and_boilerplate(
    version: ReportVersion,
) -> tuple[list[copies.CopyMatch], list[tuple[int, int]]]:
    """The pipeline's step: the version indexed, then the copies in it, and the spans of
    its text that many schools in several counties share (``common_spans``).

    The text is fingerprinted once. Its keys are looked up before it is stored (a key other
    schools already hold ``PER_KEY`` times is not stored again), and once more after, among
    the versions whose rows that lookup could not see yet (``UNSEEN``): two schools that
    send the same text at the same moment are compared with each other too.
    """
    fps = copies.winnow(version.text)
    owner_id = version.report.organization_id
    before = snapshot()
    hits, keys = lookup_text(fps, owner_id)
    index_version(version, fps, hits)
    if before is not None and _any_unseen(before, version.pk):
        for key, found in _lookup(keys, owner_id, unseen_by=before).items():
            known = hits.setdefault(key, [])
            known.extend(hit for hit in found if hit not in known)
    matches = copies.find_copies(
        version.text, lambda wanted: {k: hits[k] for k in wanted if k in hits}, _fetch, fps=fps
    )
    return matches, common_spans(fps, hits)


def lookup_text(
    fps: copies.Fingerprints, owner_id: int
) -> tuple[dict[int, list[tuple[str, int]]], list[int]]:
    """What the index holds for a text's fingerprints, other schools' texts only: its keys,
    then the context keys of those that came back crowded (``copies.context_keys``); and
    every key asked for."""
    keys = sorted(set(fps.keys))
    hits = _lookup(keys, owner_id)
    contexts = sorted(set(copies.crowded_contexts(fps, hits).values()))
    if contexts:
        hits.update(_lookup(contexts, owner_id))
    return hits, keys + contexts


#: document frequency: a fingerprint is boilerplate when the lookup finds it in this many
#: schools' texts (the most a lookup returns: ``PER_KEY``) in at least ``DF_COUNTIES``
#: counties — a passage many schools across counties share came from a common document,
#: not from one of them. Within one county it may be the county's template: still a copy.
DF_SCHOOLS = copies.PER_KEY
DF_COUNTIES = 2


def common_spans(
    fps: copies.Fingerprints, hits: Mapping[int, Sequence[tuple[str, int]]]
) -> list[tuple[int, int]]:
    """Spans of the text whose fingerprints are boilerplate by document frequency.

    Judged on the plain keys: a context key is stored only by texts that came after a key
    was crowded, so it cannot tell how many schools share the longer run.
    """
    crowded = {k: h for k, h in hits.items() if len(h) >= DF_SCHOOLS}
    if not crowded:
        return []
    version_ids = {int(s.split(":")[1]) for h in crowded.values() for s, _ in h if s[0] == "v"}
    school_of = dict(
        ReportVersion.objects.filter(pk__in=version_ids).values_list(
            "pk", "report__organization__path"
        )
    )
    county_ids = set(Organization.objects.filter(kind=OrgKind.COUNTY).values_list("pk", flat=True))
    boiler = set()
    for key, found in crowded.items():
        paths = {school_of.get(int(s.split(":")[1])) for s, _ in found if s[0] == "v"} - {None}
        counties = {_county(path, county_ids) for path in paths}
        if len(paths) >= DF_SCHOOLS and len(counties) >= DF_COUNTIES:
            boiler.add(key)
    # Winnowing keeps one gram in every few: consecutive boilerplate fingerprints with no
    # other fingerprint between them cover the text between them too.
    spans: list[tuple[int, int]] = []
    previous_boiler = False
    for start, end, key in zip(fps.starts, fps.ends, fps.keys, strict=True):
        if key not in boiler:
            previous_boiler = False
            continue
        if previous_boiler and spans:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
        previous_boiler = True
    return spans


def _county(path: str, county_ids: set[int]) -> str:
    """The county in a materialised path (the path itself when none is)."""
    for part in path.strip("/").split("/"):
        if part and int(part) in county_ids:
            return part
    return path


def snapshot() -> str | None:
    """PostgreSQL's snapshot now: which transactions have committed. None off PostgreSQL
    (the embedded SQLite default runs one task at a time)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


#: versions stored by transactions a snapshot (both %s) could not see: running or not begun
#: then. Their transaction ids are at least the snapshot's xmin (the indexed range scanned).
UNSEEN = f"""
    SELECT version_id FROM {IndexedVersion._meta.db_table}
    WHERE claim_xid >= pg_snapshot_xmin(%s::pg_snapshot)::text::bigint
      AND NOT pg_visible_in_snapshot(claim_xid::text::xid8, %s::pg_snapshot)
"""  # noqa: S608 - table name from model meta, values bound as parameters


def _any_unseen(before: str, version_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM ({UNSEEN}) AS u WHERE u.version_id <> %s)",  # noqa: S608
            [before, before, version_id],
        )
        return cursor.fetchone()[0]


def _reference_rows(pk: int):
    # source < 0 spelled out so PostgreSQL uses the partial index of reference rows.
    return CopyKey.objects.filter(source=-pk).filter(source__lt=0)


@transaction.atomic
def index_reference(reference: ReferenceText) -> int:
    """(Re)index a reference text after an admin saved it; returns the rows written."""
    # Two saves of the same text at once must not both add its rows.
    list(ReferenceText.objects.select_for_update().filter(pk=reference.pk).values_list("pk"))
    forget_reference(reference.pk)
    if not reference.active:
        return 0
    return _store(
        copies.first_places(copies.winnow(reference.text)), REFERENCE_OWNER, -reference.pk
    )


def forget_reference(pk: int) -> None:
    rows = _reference_rows(pk)
    rows._raw_delete(rows.db)


def on_reference_deleted(sender, instance: ReferenceText, **kwargs) -> None:
    # Its rows sort first under their keys: left behind they would hide real sources.
    forget_reference(instance.pk)


def _lookup(
    keys: Sequence[int], exclude_owner_id: int, unseen_by: str | None = None
) -> dict[int, list[tuple[str, int]]]:
    """key → at most PER_KEY ``(source label, pos)`` hits, references first; only rows of
    the versions the snapshot ``unseen_by`` could not see when it is given (PostgreSQL)."""
    hits: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if not keys:
        return hits
    if connection.vendor == "postgresql":
        # One LATERAL probe per key with LIMIT: a stock phrase shared by thousands of
        # reports costs PER_KEY index entries, not thousands.
        only = f"AND c.source IN ({UNSEEN})" if unseen_by is not None else ""
        sql = f"""
            SELECT h.key, x.source, x.pos
            FROM unnest(%s::bigint[]) AS h(key)
            CROSS JOIN LATERAL (
                SELECT c.source, c.pos FROM {CopyKey._meta.db_table} AS c
                WHERE c.key = h.key AND c.owner_id <> %s {only}
                ORDER BY c.owner_id, c.source, c.pos
                LIMIT %s
            ) AS x
        """  # noqa: S608 - table name from model meta, values bound as parameters
        params = [list(keys), exclude_owner_id]
        params += [unseen_by, unseen_by] if unseen_by is not None else []
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, copies.PER_KEY])
            rows = cursor.fetchall()
    else:
        rows = (
            CopyKey.objects.filter(key__in=keys)
            .exclude(owner_id=exclude_owner_id)
            .order_by("key", "owner_id", "source", "pos")
            .values_list("key", "source", "pos")
        )
    for key, source, pos in rows:
        if len(hits[key]) < copies.PER_KEY:
            hits[key].append((_label(source), pos))
    return hits


#: the candidates' texts, versions and active reference texts, in one round trip (a
#: reference's id comes back negative, as in the index)
FETCH = f"""
    SELECT id, text FROM {ReportVersion._meta.db_table} WHERE id = ANY(%s::bigint[])
    UNION ALL
    SELECT -id, text FROM {ReferenceText._meta.db_table} WHERE id = ANY(%s::bigint[]) AND active
"""  # noqa: S608 - table names from model meta, values bound as parameters


def _fetch(sources: Collection[str]) -> dict[str, str]:
    """The texts of the candidate sources still there (deleted versions and inactive
    references drop out).

    Whole texts, in one query without the ORM (Django's queryset was up to a third of it).
    The confirmation reads only the lines holding hits, about a seventh of a candidate's
    characters, but fetching just those is slower, not faster, on PostgreSQL: a substring
    of a UTF-8 text at a character offset is read from the text's first byte (only its
    tail is spared), and cutting lines out in SQL costs the server more than sending the
    whole texts (benchmarks/RESULTS.md, "The copy query's text fetch"). At national size
    the fetch's cost is the candidates' TOAST pages, which only memory and compression
    (migration 0019: lz4) make cheaper; docs/scaling.md.
    """
    ids: dict[str, list[int]] = defaultdict(list)
    for label in sources:
        kind, _, pk = label.partition(":")
        ids[kind].append(int(pk))
    if not ids["version"] and not ids["reference"]:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(FETCH, [ids["version"], ids["reference"]])
            return {_label(source): text for source, text in cursor.fetchall()}
    texts = {
        _label(pk): text
        for pk, text in ReportVersion.objects.filter(pk__in=ids["version"]).values_list(
            "pk", "text"
        )
    }
    texts.update(
        (_label(-pk), text)
        for pk, text in ReferenceText.objects.filter(
            pk__in=ids["reference"], active=True
        ).values_list("pk", "text")
    )
    return texts


def query(
    text: str, *, exclude_owner_id: int | None = None, fps: copies.Fingerprints | None = None
) -> list[copies.CopyMatch]:
    """Passages of ``text`` that also stand in indexed versions or reference texts."""
    exclude = -1 if exclude_owner_id is None else exclude_owner_id
    return copies.find_copies(text, lambda keys: _lookup(keys, exclude), _fetch, fps=fps)


def rebuild(progress=None) -> int:
    """Empty the index and index every version and active reference text again.

    For a change of ``copies.FINGERPRINT_VERSION``; returns the rows written.
    """
    CopyKey.objects.all()._raw_delete(CopyKey.objects.db)
    IndexedVersion.objects.all()._raw_delete(IndexedVersion.objects.db)
    written = 0
    versions = ReportVersion.objects.select_related("report").only(
        "pk", "text", "report__organization_id"
    )
    for done, version in enumerate(versions.iterator(chunk_size=500), start=1):
        fps = copies.winnow(version.text)
        held, _ = lookup_text(fps, version.report.organization_id)
        written += index_version(version, fps, held)
        if progress and done % 1000 == 0:
            progress(done)
    for reference in ReferenceText.objects.filter(active=True):
        written += index_reference(reference)
    return written

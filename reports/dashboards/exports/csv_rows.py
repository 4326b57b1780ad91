"""CSV of the same rows as the XLSX detail sheet: UTF-8 with a BOM (so Excel on Windows reads
the Chinese), text cells escaped against formula injection, produced lazily line by line —
for a ``StreamingHttpResponse`` or for a file written by the export task."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from reports.dashboards.exports.escape import escape_text
from reports.dashboards.exports.rows import iter_cells, local_naive, row_context
from reports.models import Campaign, Organization, User

BOM = "\ufeff"


class _Line:
    """A file-like sink for ``csv.writer`` that hands back the last written line."""

    def write(self, value: str) -> str:
        return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return local_naive(value).strftime("%Y-%m-%d %H:%M")
    return escape_text(str(value))


def iter_csv(
    *,
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    on_row: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    ctx = row_context(campaign, unit)
    writer = csv.writer(_Line())
    yield (BOM + writer.writerow([escape_text(c.header) for c in ctx.columns])).encode("utf-8")
    batch: list[str] = []
    for values in iter_cells(campaign, unit, user, ctx, on_row):
        batch.append(writer.writerow([_text(v) for v in values]))
        if len(batch) >= 200:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")

"""The bounds of every upload, each with the reason for its value."""

from __future__ import annotations

MB = 1024 * 1024

#: Largest upload accepted for text extraction (the raw file).
MAX_IMPORT_BYTES = 20 * MB
#: Longest text an import returns, in characters.  The import's preview page posts the
#: text back; Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) holds about 280,000
#: URL-encoded Chinese characters, and a 减负 self-check report is 3,000–20,000.
MAX_IMPORT_CHARS = 200_000
#: CPU seconds of one extraction (docx or PDF) before it is stopped.  The guard limits
#: keep the measured worst case far below; this is the backstop.
IMPORT_CPU_SECONDS = 0.8
#: XML part cap for attachments: they are never parsed by the portal, only stored and
#: served, so a large honest spreadsheet must pass; bombs are still refused by ratio and
#: total size.
ATTACHMENT_MAX_XML_MEMBER_BYTES = 50 * MB
#: Total bytes all single-filter FlateDecode streams of a PDF may inflate to (attachment).
PDF_MAX_INFLATED_BYTES = 100 * MB
#: The same for an import, whose pages pdfminer interprets: measured at about
#: 2 MB of page content per CPU second (see benchmarks/RESULTS.md).
PDF_MAX_CONTENT_BYTES = 2 * MB
#: A damaged compressed stream larger than this is refused on import (pdfminer retries
#: damaged streams one byte at a time).
PDF_MAX_DAMAGED_STREAM = 64 * 1024
#: Pages read from a PDF; the rest is ignored.
PDF_MAX_PAGES = 200
#: Longest file name kept by :func:`sanitize_filename`, in characters and UTF-8 bytes
#: (ext4 and most file systems allow 255 bytes per name).
FILENAME_MAX_CHARS = 100
FILENAME_MAX_BYTES = 240
FILENAME_FALLBACK = "附件"


def fmt_mb(n: int) -> str:
    value = f"{n / MB:.1f}"
    return value[:-2] if value.endswith(".0") else value

"""Uploaded documents: type sniffing, the ZIP guard, text extraction, section splitting,
attachment checks. One module per concern (``kinds``, ``zipguard``, ``docx``, ``pdf``,
``text``, ``extract``, ``sections``, ``attachments``; bounds in ``limits``, messages in
``errors``); the names the rest of the project uses are gathered here.

Plain Python — imports nothing from Django, so it is fast to test.  python-docx and
pdfminer.six are imported lazily, only when a document of that type is read.

Decisions:

* The real type of a file always comes from its first bytes (:func:`sniff`), never from
  its name.  The name only decides which *family* an attachment must belong to
  (a ``.pdf`` must really be a PDF) and how the error message reads.
* Every refusal is a :class:`DocumentError` (a ``ValueError``) whose ``str()`` is a
  Chinese sentence that can be shown to the school as it is.
* Every ZIP-based upload (.docx import, .docx/.xlsx/.pptx attachments) passes
  :func:`reports.documents.zipguard.check_zip` before anything reads it: member count, per-member
  and total uncompressed size, compression ratio, nesting and member names, all from the
  ZIP directory.  An import also caps the size of each XML part so that reading it stays
  well under a second; an attachment (never parsed here) gets a larger XML cap.
* Text extraction is bounded: ``word/document.xml`` is streamed with lxml ``iterparse``
  (no entities, no network) and stops at :data:`MAX_IMPORT_CHARS` characters or
  :data:`IMPORT_CPU_SECONDS` of CPU with a Chinese message; PDFs are read page by page
  under the same budget, at most :data:`PDF_MAX_PAGES` pages.  Worst case measured by
  ``benchmarks/bench_uploads.py``.
* A PDF with JavaScript, launch or automatic actions, embedded files, RichMedia or XFA
  is refused, on import and as an attachment (:func:`check_pdf`); so is one whose
  compressed streams inflate beyond a bound (pdfminer inflates without limit).
* :func:`split_sections` uses :func:`reports.analysis.sections.find_sections` for the
  headings and only decides which template section each found section goes to.
"""

from reports.documents.attachments import check_attachment, sanitize_filename
from reports.documents.errors import (
    MSG_CORRUPT,
    MSG_EMPTY,
    MSG_PDF_NO_TEXT,
    DocumentError,
)
from reports.documents.extract import extract_text
from reports.documents.kinds import ATTACHMENT_KINDS, sniff
from reports.documents.limits import (
    ATTACHMENT_MAX_XML_MEMBER_BYTES,
    FILENAME_MAX_BYTES,
    IMPORT_CPU_SECONDS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_CHARS,
    PDF_MAX_CONTENT_BYTES,
    PDF_MAX_INFLATED_BYTES,
    PDF_MAX_PAGES,
)
from reports.documents.pdf import check_pdf
from reports.documents.sections import SplitResult, split_sections
from reports.documents.zipguard import ZipRejected, check_zip

__all__ = [
    "ATTACHMENT_KINDS",
    "ATTACHMENT_MAX_XML_MEMBER_BYTES",
    "FILENAME_MAX_BYTES",
    "IMPORT_CPU_SECONDS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_CHARS",
    "MSG_CORRUPT",
    "MSG_EMPTY",
    "MSG_PDF_NO_TEXT",
    "PDF_MAX_CONTENT_BYTES",
    "PDF_MAX_INFLATED_BYTES",
    "PDF_MAX_PAGES",
    "DocumentError",
    "SplitResult",
    "ZipRejected",
    "check_attachment",
    "check_pdf",
    "check_zip",
    "extract_text",
    "sanitize_filename",
    "sniff",
    "split_sections",
]

"""How much a draft may hold. The report form (``reports.submission.report_form``) refuses
more, field by field; the 400 page (``reports.error_views``) quotes the section limit."""

# 50,000 characters is about 25 pages of Chinese text; the longest real report in the
# corpus has under 10,000 for the whole text. Posted URL-encoded, a Chinese character takes
# 9 bytes, so a report of a few full sections stays under DATA_UPLOAD_MAX_MEMORY_SIZE.
MAX_SECTION_CHARS = 50_000
MAX_NOTE_CHARS = 2_000

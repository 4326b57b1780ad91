"""The one exception type for refused uploads (plain Python, no Django).

It lives in its own module so that :mod:`reports.zipguard` and :mod:`reports.documents`
can share it without importing each other: :class:`reports.zipguard.ZipRejected` is a
:class:`DocumentError`, and ``except DocumentError`` (or ``except ValueError``) in a view
catches every refusal of either module.
"""

from __future__ import annotations

__all__ = ["DocumentError"]


class DocumentError(ValueError):
    """A document was refused; ``str()`` is a Chinese message for the school."""

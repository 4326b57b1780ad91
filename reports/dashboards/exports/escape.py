"""Formula injection: a text cell starting with = + - @ (or tab / CR) is a formula to Excel."""

from __future__ import annotations

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_text(value: str) -> str:
    """Prefix ``'`` so spreadsheet programs show the text instead of evaluating it (CSV).

    In XLSX the writer stores every string with ``write_string`` so it is never a formula;
    this prefix is only needed where the file format has no cell types (CSV)."""
    if value and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value

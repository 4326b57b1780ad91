"""The text of a .docx, streamed from ``word/document.xml`` under the budget."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from reports.documents.budget import Budget
from reports.documents.errors import MSG_CORRUPT, DocumentError
from reports.documents.zipguard import check_zip


def docx_text(data: bytes) -> str:
    check_zip(data)  # every limit, from the ZIP directory, before any XML is read
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "word/document.xml" not in zf.namelist():
                raise DocumentError(MSG_CORRUPT)
    except DocumentError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise DocumentError(MSG_CORRUPT) from exc
    try:
        return _parse_docx(data)
    except DocumentError:
        raise
    except Exception as exc:  # lxml/zipfile raise many unrelated types
        raise DocumentError(MSG_CORRUPT) from exc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_BODY, _W_P, _W_TBL, _W_TR, _W_TC = (f"{_W}{t}" for t in ("body", "p", "tbl", "tr", "tc"))
_W_R, _W_HYPERLINK, _W_T = f"{_W}r", f"{_W}hyperlink", f"{_W}t"
_RUN_CHARS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_W_BR = f"{_W}br"


def _parse_docx(data: bytes) -> str:
    """Body paragraphs and table cells of a .docx, in document order (after the checks).

    ``word/document.xml`` is streamed with lxml ``iterparse`` (no entities, no network,
    no huge-tree mode): each paragraph or table directly under ``<w:body>`` is turned
    into text as soon as it ends and then dropped, and :class:`Budget` stops the loop
    at :data:`MAX_IMPORT_CHARS` characters or :data:`IMPORT_CPU_SECONDS`.  The text is
    what python-docx gives (``Paragraph.text``; tables via :func:`_table_lines`), which
    took 13.7 s for a 7.4 MB document.xml where this takes a fraction of a second.
    """
    from lxml import etree  # lazy: lxml is slow to import

    budget = Budget()
    lines: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("word/document.xml") as xml:
        events = etree.iterparse(
            xml,
            events=("end",),
            tag=(_W_P, _W_TBL),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        for _, element in events:
            parent = element.getparent()
            if parent is None or parent.tag != _W_BODY:
                budget.tick()  # inside a table: its text is read when the table ends
                continue
            block = [_paragraph_text(element)] if element.tag == _W_P else _table_lines(element)
            for line in block:  # a table's rows one by one: the cap stops a long table early
                budget.add(len(line) + 1)
                lines.append(line)
            element.clear()
            while element.getprevious() is not None:
                del parent[0]
    return "\n".join(lines)


def _run_text(run: object) -> str:
    parts: list[str] = []
    for child in run:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == _W_T:
            parts.append(child.text or "")
        elif tag == _W_BR:
            # python-docx: a line break is "\n", page and column breaks are ""
            parts.append("\n" if child.get(f"{_W}type", "textWrapping") == "textWrapping" else "")
        elif tag in _RUN_CHARS:
            parts.append(_RUN_CHARS[tag])
    return "".join(parts)


def _paragraph_text(p: object) -> str:
    """``Paragraph.text`` of python-docx: runs and hyperlinks directly in the paragraph."""
    parts: list[str] = []
    for child in p:  # type: ignore[attr-defined]
        if child.tag == _W_R:
            parts.append(_run_text(child))
        elif child.tag == _W_HYPERLINK:
            parts.extend(_run_text(r) for r in child if r.tag == _W_R)
    return "".join(parts)


def _int_val(element: object, default: int) -> int:
    """The integer ``w:val`` of ``element`` (``gridSpan``, ``gridBefore``), else ``default``."""
    if element is None:
        return default
    try:
        return max(0, int(element.get(f"{_W}val")))  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return default


def _table_lines(table: object) -> Iterable[str]:
    """One line per table row: the row's distinct cells joined by a space.

    As python-docx's ``_Row.cells``: a cell spanning several grid columns counts once
    in its row; a vertically merged cell (``w:vMerge`` continue) stands for the cell
    above it at the same grid offset, so its text appears on every row it spans.
    """
    above: dict[int, object] = {}  # grid offset -> cell holding the text, previous row
    texts: dict[int, str] = {}  # id(cell) -> its text
    keep: list[object] = []
    for tr in table.iterchildren(_W_TR):  # type: ignore[attr-defined]
        offset = _int_val(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        current: dict[int, object] = {}
        cells: list[str] = []
        seen: set[int] = set()
        for tc in tr.iterchildren(_W_TC):
            root = tc
            v_merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if v_merge is not None and v_merge.get(f"{_W}val", "continue") == "continue":
                root = above.get(offset, tc)
            current[offset] = root
            offset += max(1, _int_val(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1))
            if id(root) in seen:
                continue
            seen.add(id(root))
            if id(root) not in texts:
                texts[id(root)] = _cell_text(root)
                keep.append(root)  # so that no other element gets the same id()
            if texts[id(root)]:
                cells.append(texts[id(root)])
        above = current
        if cells:
            yield " ".join(cells)


def _cell_text(tc: object) -> str:
    parts: list[str] = []
    for inner in tc:  # type: ignore[attr-defined]
        if inner.tag == _W_P:
            parts.append(_paragraph_text(inner))
        elif inner.tag == _W_TBL:
            parts.extend(_table_lines(inner))
    return " ".join(p.strip() for p in parts if p.strip())

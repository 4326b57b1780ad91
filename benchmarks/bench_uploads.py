"""Benchmark of the upload paths with hostile files (issue 12, points 3 and 4).

Run: ``.venv/bin/python benchmarks/bench_uploads.py [--old]``

Builds each file at run time and times, in CPU seconds of this thread, what a web worker
does with it: the import path (:func:`reports.documents.extract_text`) and the attachment
path (:func:`reports.documents.check_attachment`).  ``--old`` also times python-docx on the
small-file/large-XML .docx, as the import did before the guard (about 14 s).  Prints a
Markdown table: file, size, path, CPU s, outcome.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reports import documents  # noqa: E402
from reports.documents import (  # noqa: E402
    DocumentError,
    check_attachment,
    extract_text,
    zipguard,  # noqa: E402
)

MB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARAGRAPH = "学校严格落实作业公示制度，教师精选作业内容，减少机械重复训练。"
CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def base_docx() -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def with_document_xml(body: str, level: int = 6) -> bytes:
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()
    src = zipfile.ZipFile(io.BytesIO(base_docx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        for info in src.infolist():
            payload = xml if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info.filename, payload)
    return buf.getvalue()


def fill_to(unit: Callable[[random.Random], str], size: int) -> str:
    rng = random.Random(1)
    parts, total = [], 0
    while total < size:
        part = unit(rng)
        parts.append(part)
        total += len(part.encode())
    return "".join(parts)


def small_file_large_xml() -> bytes:
    """Issue 12: ~58 KB .docx whose document.xml expands to 7.4 MB (repeated paragraphs)."""
    return with_document_xml(
        fill_to(lambda r: f"<w:p><w:r><w:t>{PARAGRAPH}</w:t></w:r></w:p>", 7_400_000), 9
    )


def at_cap_formatting() -> bytes:
    """document.xml just under the XML cap, every character its own formatted run (Word's
    worst honest output: few characters, much markup), random rsids so it is accepted."""
    cap = zipguard.MAX_XML_MEMBER_BYTES - 4096

    def para(rng: random.Random) -> str:
        runs = "".join(
            f'<w:r w:rsidR="{rng.getrandbits(32):08X}"><w:rPr><w:b/><w:sz w:val="28"/></w:rPr>'
            f"<w:t>{rng.choice(CJK)}</w:t></w:r>"
            for _ in range(20)
        )
        return f"<w:p>{runs}</w:p>"

    return with_document_xml(fill_to(para, cap))


def at_cap_table() -> bytes:
    """document.xml just under the XML cap: one table, vertically merged cells."""
    cap = zipguard.MAX_XML_MEMBER_BYTES - 4096

    def row(rng: random.Random) -> str:
        cells = "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"
        text = "".join(rng.choices(CJK, k=8))
        return f"<w:tr>{cells}<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr>"

    first = '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>类别'
    first += "</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>"
    return with_document_xml(f"<w:tbl>{first}{fill_to(row, cap - 200)}</w:tbl>")


def at_cap_text() -> bytes:
    """document.xml just under the XML cap of random Chinese paragraphs (cut by the text cap)."""
    cap = zipguard.MAX_XML_MEMBER_BYTES - 4096
    return with_document_xml(
        fill_to(lambda r: f"<w:p><w:r><w:t>{''.join(r.choices(CJK, k=80))}</w:t></w:r></w:p>", cap)
    )


def many_members() -> bytes:
    buf = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(base_docx()))
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        for i in range(zipguard.MAX_MEMBERS - len(src.infolist())):
            dst.writestr(f"word/media/image{i}.png", os.urandom(64))
    return buf.getvalue()


def zip_bomb_docx() -> bytes:
    body = fill_to(lambda r: f"<w:p><w:r><w:t>{'a' * 1000}</w:t></w:r></w:p>", 300 * MB)
    return with_document_xml(body, 9)


def make_pdf(content: bytes, extra: bytes = b"") -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    out += extra
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_5mb_text() -> bytes:
    """A 5 MB PDF: one page of ordinary lines plus 5 MB of compressed noise (pictures)."""
    page = b"".join(
        b"BT /F1 10 Tf 72 %d Td (Report line %d of the school) Tj ET\n" % (760 - 12 * i, i)
        for i in range(60)
    )
    noise = os.urandom(5 * MB)
    extra = b"6 0 obj\n<< /Length %d >>\nstream\n" % len(noise) + noise + b"\nendstream\nendobj\n"
    return make_pdf(page, extra)


def pdf_overlapping_page() -> bytes:
    """120 KB: 2,000 overlapping lines on one page (pdfminer's layout analysis: ~15 s)."""
    ops = b"".join(
        b"BT /F1 10 Tf 72 %d Td (Report line number %d here) Tj ET\n" % (700 - (i % 60) * 10, i)
        for i in range(2000)
    )
    return make_pdf(ops)


def pdf_flate_bomb() -> bytes:
    bomb = zlib.compress(b"\0" * (1024 * MB), 9)  # 1 GB in ~1 MB
    extra = b"6 0 obj\n<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(bomb)
    return make_pdf(
        b"BT /F1 10 Tf 72 700 Td (Hello) Tj ET", extra + bomb + b"\nendstream\nendobj\n"
    )


def pdf_javascript() -> bytes:
    pdf = make_pdf(b"BT /F1 10 Tf 72 700 Td (Hello) Tj ET")
    return pdf.replace(b"/Pages 2 0 R >>", b"/Pages 2 0 R /OpenAction << /S /J#61vaScript >> >>")


def cpu(fn: Callable[[], object]) -> tuple[float, str]:
    started = time.thread_time()
    try:
        result = fn()
        outcome = f"accepted ({len(result):,} chars)" if isinstance(result, str) else "accepted"
    except DocumentError as exc:
        outcome = f"refused: {str(exc)[:38]}"
    except Exception as exc:  # only the old python-docx path: it fails on deep merges
        outcome = f"error: {type(exc).__name__}"
    return time.thread_time() - started, outcome


def old_python_docx(data: bytes) -> str:
    """The import before the guard: python-docx, body paragraphs and table rows."""
    import docx
    from docx.table import Table

    def rows(table: Table) -> list[str]:
        out = []
        for row in table.rows:
            seen, cells = set(), []
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip())
            out.append(" ".join(c for c in cells if c))
        return out

    lines: list[str] = []
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        lines.extend(rows(block) if isinstance(block, Table) else [block.text])
    return "\n".join(lines)


def corpus_docx() -> bytes:
    """An honest report: the sample corpus texts as paragraphs (~20,000 characters)."""
    import docx

    document = docx.Document()
    corpus = sorted((REPO.parent / "shared" / "corpus").glob("*.txt"))[:6]
    for path in corpus:
        for line in path.read_text(encoding="utf-8").splitlines():
            document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", action="store_true", help="also time python-docx (slow)")
    args = parser.parse_args()
    files: list[tuple[str, str, Callable[[], bytes]]] = [
        ("honest report (6 corpus texts)", "报告.docx", corpus_docx),
        ("small file, 7.4 MB document.xml", "报告.docx", small_file_large_xml),
        ("at XML cap: one run per character", "报告.docx", at_cap_formatting),
        ("at XML cap: one table, merged cells", "报告.docx", at_cap_table),
        ("at XML cap: Chinese paragraphs", "报告.docx", at_cap_text),
        (f"{zipguard.MAX_MEMBERS} members", "报告.docx", many_members),
        ("zip bomb: 300 MB document.xml", "报告.docx", zip_bomb_docx),
        ("5 MB PDF (text page + 5 MB image)", "报告.pdf", pdf_5mb_text),
        ("PDF: 2,000 overlapping lines, 1 page", "报告.pdf", pdf_overlapping_page),
        ("PDF: flate bomb, 1 GB in 1 MB", "报告.pdf", pdf_flate_bomb),
        ("PDF: /J#61vaScript open action", "报告.pdf", pdf_javascript),
    ]
    print(
        f"Python {platform.python_version()}, {platform.machine()}, one thread; "
        f"caps: XML part {zipguard.MAX_XML_MEMBER_BYTES // MB} MB, "
        f"{documents.MAX_IMPORT_CHARS:,} chars, {documents.IMPORT_CPU_SECONDS} s CPU\n"
    )
    print("| file | size | path | CPU s | outcome |")
    print("|---|---:|---|---:|---|")
    worst = 0.0
    for label, name, build in files:
        data = build()
        size = f"{len(data) / 1024:,.0f} KB"
        runs = [
            ("import", lambda d=data, n=name: extract_text(d, n)),
            ("attachment", lambda d=data, n=name: check_attachment(d, n, len(d), 20 * MB)),
        ]
        if args.old and build in (small_file_large_xml, at_cap_table):
            runs.append(("import before (python-docx)", lambda d=data: old_python_docx(d)))
        for path, fn in runs:
            seconds, outcome = cpu(fn)
            if "before" not in path:
                worst = max(worst, seconds)
            print(f"| {label} | {size} | {path} | {seconds:.3f} | {outcome} |")
    print(f"\nWorst case over every upload path: {worst:.3f} s CPU")


if __name__ == "__main__":
    main()

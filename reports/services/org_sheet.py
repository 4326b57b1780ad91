"""Reading an org/account sheet (.xlsx or .csv) row by row, refused early when it is
hostile: the ZIP guard before openpyxl opens an .xlsx, at most ``MAX_COLUMNS`` columns
whatever the sheet claims, and a stop at the first row past ``MAX_ROWS``.

The sheet is read row by row (openpyxl read-only mode for .xlsx, ``csv.reader``
over the decoded text) and refused as soon as it passes ``MAX_ROWS``; an .xlsx first goes
through the shared ZIP guard.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import closing
from typing import IO, Any

from reports.documents.zipguard import MAX_MEMBER_BYTES, MSG_CORRUPT, check_zip

#: The header of each column, by the name the import uses for it.
COLUMNS = {
    "code": "单位代码",
    "name": "单位名称",
    "kind": "单位类型",
    "parent": "上级单位代码",
    "school_type": "学段",
    "boarding": "寄宿",
    "username": "账号",
    "full_name": "姓名",
    "role": "角色",
    "password": "初始密码",
    "email": "邮箱",
}

MAX_ROWS = 50_000
# Columns read from an .xlsx: the sheet's own dimension is not trusted (a hostile file may
# claim 16,384 columns and have every row padded to that width).
MAX_COLUMNS = 64
UNREADABLE_XLSX = "无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏"


class SheetError(ValueError):
    """The file itself cannot be read as a sheet."""


def read_sheet(upload: IO[bytes], filename: str) -> list[dict[str, str]]:
    """Return the rows of an .xlsx or .csv file as dicts keyed by the Chinese header.

    Rows are read one at a time and the file is refused at the first non-empty row past
    ``MAX_ROWS`` (empty rows in between count, trailing empty rows do not). An empty row is
    returned as ``{}`` so that row numbers in messages match the sheet.
    """
    with closing(iter_sheet(upload.read(), filename)) as records:
        return list(records)


def iter_sheet(data: bytes, filename: str) -> Generator[dict[str, str], None, None]:
    """The rows of ``read_sheet`` one at a time (close it to stop reading early)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise SheetError("只支持 .xlsx 或 .csv 格式的表格")
    with closing(rows):
        yield from _records(rows)


def _records(rows: Iterator[Sequence[Any]]) -> Iterator[dict[str, str]]:
    first = next(rows, None)
    if first is None:
        raise SheetError("表格是空的")
    header = [_cell_text(cell) for cell in first]
    missing = [COLUMNS[key] for key in ("code", "name", "kind") if COLUMNS[key] not in header]
    if missing:
        raise SheetError("表头缺少必需的列：" + "、".join(missing))
    count = 0
    blank_run = 0
    for cells in rows:
        values = [_cell_text(cell) for cell in cells]
        if not any(values):
            blank_run += 1
            continue
        if count + blank_run >= MAX_ROWS:
            raise SheetError(f"一次最多导入 {MAX_ROWS} 行，请把表格拆成几份分别导入")
        for _ in range(blank_run):
            yield {}
        count += blank_run + 1
        blank_run = 0
        yield dict(zip(header, values, strict=False))


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _xlsx_rows(data: bytes) -> Generator[Sequence[Any], None, None]:
    from openpyxl import load_workbook

    try:
        # The sheet XML is streamed and the reading stops at MAX_ROWS, so one part may be as
        # large as any part (a 50,000-row sheet written with inline strings is ~35 MB).
        check_zip(data, max_xml_member_bytes=MAX_MEMBER_BYTES)
    except ValueError as exc:
        message = str(exc)
        raise SheetError(UNREADABLE_XLSX if message == MSG_CORRUPT else message) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SheetError(UNREADABLE_XLSX) from exc
    try:
        yield from _guarded(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    finally:
        workbook.close()


def _guarded(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    try:
        yield from rows
    except SheetError:
        raise
    except Exception as exc:  # a damaged sheet XML fails while it is being streamed
        raise SheetError(UNREADABLE_XLSX) from exc


def _csv_rows(data: bytes) -> Generator[Sequence[str], None, None]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise SheetError("无法识别 CSV 文件的编码，请另存为 UTF-8")
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error as exc:
        raise SheetError(f"CSV 文件第{reader.line_num}行格式有误，无法读取") from exc

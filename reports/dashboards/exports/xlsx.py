"""The XLSX workbook: a detail sheet (one row per report) and one sheet per aggregation level.

Written with xlsxwriter in ``constant_memory`` mode: each row is flushed to a temp file as soon
as the next one starts, so 100,000 reports take the same memory as 100. Strings always go
through ``write_string`` (never ``write``), so a cell typed ``=HYPERLINK(...)`` is text, not a
formula; numbers go through ``write_number``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

import xlsxwriter

from reports.choices import OrgKind, SchoolType
from reports.dashboards import queries
from reports.dashboards.exports.rows import Column, iter_cells, local_naive, row_context
from reports.models import Campaign, Organization, User

PROGRESS_HEADERS = [
    ("total", "应报"),
    ("not_started", "未开始"),
    ("draft", "草稿"),
    ("submitted", "已提交"),
    ("returned", "退回"),
    ("approved", "已通过"),
    ("late", "逾期"),
    ("handed_in", "已交"),
    ("on_time", "按时提交"),
    ("handed_in_rate", "提交率（%）"),
]
PERCENT_KEYS = {"handed_in_rate"}


class _Sheet:
    """A worksheet with a frozen bold header and name column(s), set widths and typed cells.

    ``frozen`` columns stay in view when scrolling right (the code and the name). A
    ``percent`` column holds 0–100 in the rows and is written as a fraction with a 0.0%
    format, so Excel shows 45.0% and computes with 0.45."""

    def __init__(
        self,
        book: Any,
        formats: dict[str, Any],
        name: str,
        columns: list[Column],
        frozen: int = 1,
    ):
        self.ws = book.add_worksheet(name)
        self.formats = formats
        self.columns = columns
        self.row = 0
        for c, column in enumerate(columns):
            self.ws.set_column(c, c, column.width)
        self.ws.freeze_panes(1, frozen)
        self.ws.set_row(0, 30)
        for c, column in enumerate(columns):
            self.ws.write_string(0, c, column.header, formats["header"])
        self.row = 1

    def append(self, values: list[Any]) -> None:
        r, ws = self.row, self.ws
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                ws.write_string(r, c, "是" if value else "否")
            elif isinstance(value, int | float) and self.columns[c].kind == "percent":
                ws.write_number(r, c, value / 100, self.formats["percent"])
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            elif isinstance(value, datetime):
                ws.write_datetime(r, c, local_naive(value), self.formats["datetime"])
            else:
                ws.write_string(r, c, str(value))
        self.row += 1

    def finish(self) -> None:
        if self.row > 1:
            self.ws.autofilter(0, 0, self.row - 1, len(self.columns) - 1)


def write_xlsx(
    target: str | IO[bytes],
    *,
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook to ``target`` (a path or a binary file); returns the row count."""
    ctx = row_context(campaign, unit)
    book = xlsxwriter.Workbook(
        target, {"constant_memory": True, "strings_to_numbers": False, "in_memory": False}
    )
    formats = {
        "header": book.add_format(
            {"bold": True, "text_wrap": True, "valign": "vcenter", "bg_color": "#DDEBF7"}
        ),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "percent": book.add_format({"num_format": "0.0%"}),
    }
    detail = _Sheet(book, formats, "报告明细", ctx.columns, frozen=2)
    count = 0
    for values in iter_cells(campaign, unit, user, ctx, on_row):
        detail.append(values)
        count += 1
    detail.finish()
    _summary_sheets(book, formats, campaign, unit, user)
    book.close()
    return count


def _progress_columns(first: list[Column]) -> list[Column]:
    return first + [
        Column(h, 10 if len(h) < 5 else 12, "percent" if key in PERCENT_KEYS else "number")
        for key, h in PROGRESS_HEADERS
    ]


def _progress_values(counts: dict[str, Any]) -> list[Any]:
    return [counts.get(key) for key, _ in PROGRESS_HEADERS]


def _summary_sheets(
    book: Any, formats: dict, campaign: Campaign, unit: Organization, user: User | None
) -> None:
    """按下级单位汇总, 按县区汇总 (above county level), 按学校类型汇总, 指标汇总 — all in SQL."""
    unit_cols = _progress_columns([Column("单位代码", 13), Column("单位名称", 26)])
    data = queries.progress(campaign, unit, user)
    if data["children"]:
        sheet = _Sheet(book, formats, "按下级单位汇总", unit_cols, frozen=2)
        for row in data["children"]:
            sheet.append([row.unit.code, row.unit.name, *_progress_values(row.counts)])
        sheet.append(["", "合计", *_progress_values(data["totals"])])
        sheet.finish()
    if unit.kind in (OrgKind.PROVINCE, OrgKind.CITY):
        counties = list(
            Organization.objects.filter(path__startswith=unit.path, kind=OrgKind.COUNTY).order_by(
                "path"
            )
        )
        sheet = _Sheet(book, formats, "按县区汇总", unit_cols, frozen=2)
        for county, counts in queries.progress_by_units(campaign, unit, user, counties):
            sheet.append([county.code, county.name, *_progress_values(counts)])
        sheet.finish()
    sheet = _Sheet(book, formats, "按学校类型汇总", _progress_columns([Column("学段", 12)]))
    labels = {s.value: s.label for s in SchoolType}
    for row in queries.progress_by_groups(campaign, unit, user, "organization__school_type"):
        school_type = row["organization__school_type"]
        sheet.append([labels.get(school_type, school_type or "未填"), *_progress_values(row)])
    sheet.finish()
    stats = queries.indicator_stats(campaign, unit, user, with_histograms=False)
    if stats["stats"]:
        sheet = _Sheet(
            book,
            formats,
            "指标汇总",
            [
                Column("指标", 30),
                Column("单位", 8),
                Column("填报学校数", 10, "number"),
                Column("平均值", 10, "number"),
                Column("最小值", 10, "number"),
                Column("最大值", 10, "number"),
                Column("政策要求", 24),
                Column("超出要求学校数", 12, "number"),
                Column("上期平均值", 10, "number"),
                Column("较上期变化（%）", 12, "percent"),
            ],
        )
        for s in stats["stats"]:
            d = s.definition
            sheet.append(
                [
                    d.label,
                    d.unit,
                    s.count,
                    s.avg,
                    s.min,
                    s.max,
                    s.limit_text,
                    s.beyond if (d.policy_max is not None or d.policy_min is not None) else None,
                    s.previous_avg,
                    s.change,
                ]
            )
        sheet.finish()

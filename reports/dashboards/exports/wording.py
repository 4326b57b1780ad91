"""Wording of the exported documents in the 公文 manner: dates without zero padding
(2026年6月4日, 17时 / 17时30分), quotations whose inner quotes become single quotes, and titles
that do not double a word where two parts meet (…自查 + 自查报告 → …自查报告)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def cn_date(value: date | datetime) -> str:
    """2026年6月4日 (a datetime is taken in local time)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month_day(value: date) -> str:
    return f"{value.month}月{value.day}日"


def cn_datetime(value: datetime) -> str:
    """2026年6月4日17时, or 2026年6月4日17时30分 when the minutes are not zero."""
    local = timezone.localtime(value)
    minutes = f"{local.minute}分" if local.minute else ""
    return f"{cn_date(local)}{local.hour}时{minutes}"


def cn_day_range(first: date, last: date) -> str:
    """ "6月1日" for one day, "6月1日至6月5日" for several."""
    if first == last:
        return cn_month_day(first)
    return f"{cn_month_day(first)}至{cn_month_day(last)}"


def quoted(text: str) -> str:
    """“text”, its own double quotes turned into single ones (‘双减’), as 公文 nest them."""
    inner = text.replace("“", "‘").replace("”", "’").replace('"', "'")
    return f"“{inner}”"


def join_title(head: str, tail: str) -> str:
    """``head + tail`` without repeating the longest end of ``head`` that starts ``tail``:
    ``join_title("双减自查", "自查报告") == "双减自查报告"``. Overlaps of one character are
    kept (they are usually two different words)."""
    for size in range(min(len(head), len(tail)), 1, -1):
        if head.endswith(tail[:size]):
            return head + tail[size:]
    return head + tail

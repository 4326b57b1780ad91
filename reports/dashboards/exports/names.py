"""File names of exports: the download name a user sees and the safe parts it is built from.

Shared by the job service (``jobs``), the streamed CSV and the ZIP bundle's entry names.
"""

from __future__ import annotations

import re

from django.utils import timezone

from reports.choices import ExportKind
from reports.models import Campaign, Organization

EXTENSIONS = {
    ExportKind.XLSX: "xlsx",
    ExportKind.CSV: "csv",
    ExportKind.DOCX: "docx",
    ExportKind.BUNDLE: "zip",
}
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')
WHAT = {
    ExportKind.XLSX: "汇总表",
    ExportKind.CSV: "明细",
    ExportKind.DOCX: "汇总报告",
    ExportKind.BUNDLE: "已通过报告",
}


def safe_name(text: str) -> str:
    """``text`` with path separators, wildcards, blanks and control characters replaced."""
    return UNSAFE_NAME.sub("_", text).strip("._")[:80] or "export"


def download_name(kind: str, campaign: Campaign, unit: Organization) -> str:
    """``<unit>_<campaign>_<what>_<yyyymmdd>.<ext>``, e.g. ``甲县_2024春_汇总表_20240301.xlsx``."""
    stamp = timezone.localtime().strftime("%Y%m%d")
    parts = [safe_name(unit.name), safe_name(campaign.title), WHAT[kind], stamp]
    return f"{'_'.join(parts)}.{EXTENSIONS[kind]}"

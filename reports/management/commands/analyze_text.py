"""``analyze_text [--topic …] PATH [PATH …]``: the analysis as JSON, one object per PATH
and per line (the output of ``python -m reports.analysis``, plus the 范文库).

A stable command-line contract (see README). Like every ``manage.py`` command it loads the
portal's settings, so it needs ``SECRET_KEY`` or ``DEBUG=1`` in the environment (the
settings refuse to start a production process without a key; this command does not
weaken that). It needs no database: the reference library is used only when a migrated
database answers. ``python -m reports.analysis`` needs no settings at all.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from reports.analysis.cli import analyze_files, write_lines
from reports.models import ReferenceText


def reference_library() -> list[tuple[str, str]]:
    try:
        return [
            (f"reference:{pk}", text)
            for pk, text in ReferenceText.objects.filter(active=True).values_list("pk", "text")
        ]
    except DatabaseError:  # no database, or not migrated: skip the library
        return []


class Command(BaseCommand):
    help = "分析报告文本，输出 JSON（每个文件一个对象）"
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument(
            "--topic", default="shuangjian", choices=["shuangjian", "teacher", "grassroots"]
        )

    def handle(self, *args, paths: list[str], topic: str, **options) -> None:
        try:
            result = analyze_files(paths, topic=topic, references=reference_library())
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        write_lines(result, sys.stdout)

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.services.org_import import ImportRejected, org_import
from reports.services.org_sheet import SheetError, read_sheet


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 表格导入单位和账号（重复导入只更新，不重复创建）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        try:
            with file.open("rb") as handle:
                records = read_sheet(handle, file.name)
            result = org_import(records=records)
        except SheetError as exc:
            raise CommandError(str(exc)) from exc
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"表格中有 {len(exc.errors)} 处错误，没有导入任何数据") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"新建单位 {result.units_created} 个，更新 {result.units_updated} 个；"
                f"新建账号 {result.users_created} 个，更新 {result.users_updated} 个"
            )
        )
        for username, password in result.generated_passwords:
            self.stdout.write(f"  新账号 {username} 的初始密码：{password}")

from django.core.management.base import BaseCommand

from reports import demo


class Command(BaseCommand):
    help = "创建（或更新）演示数据：单位树和演示账号。可重复运行。"

    def handle(self, *args, **options) -> None:
        counts = demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪：单位 {counts['units']} 个，账号 {counts['accounts']} 个"
            )
        )
        for account in demo.ACCOUNTS:
            self.stdout.write(f"  {account.username:<14} {account.note}")
        self.stdout.write(f"  演示账号的密码均为 {demo.DEMO_PASSWORD}")

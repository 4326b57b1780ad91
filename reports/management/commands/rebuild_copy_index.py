from django.core.management.base import BaseCommand

from reports import copyindex


class Command(BaseCommand):
    help = "清空并重建抄袭比对索引（指纹算法变更后运行）。"

    def handle(self, *args, **options) -> None:
        written = copyindex.rebuild(
            progress=lambda done: self.stdout.write(f"已索引 {done} 个版本…")
        )
        self.stdout.write(self.style.SUCCESS(f"索引重建完成：写入 {written} 条指纹。"))

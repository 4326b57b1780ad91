import time

from django.core.management.base import BaseCommand, CommandError

from reports.choices import AnalysisState
from reports.models import AnalysisResult, Campaign
from reports.tasks import reanalyze_campaign


class Command(BaseCommand):
    help = "重新分析某个填报任务的全部报告（分析器升级后使用），在后台运行"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--campaign", type=int, required=True)
        parser.add_argument("--wait", action="store_true", help="等待完成并显示进度")

    def handle(self, *args, campaign: int, wait: bool, **options) -> None:
        if not Campaign.objects.filter(pk=campaign).exists():
            raise CommandError(f"填报任务 {campaign} 不存在")
        total = reanalyze_campaign(campaign)
        self.stdout.write(f"已排队 {total} 份报告")
        while wait:
            results = AnalysisResult.objects.filter(version__report__campaign_id=campaign)
            done = results.filter(state__in=[AnalysisState.DONE, AnalysisState.FAILED]).count()
            self.stdout.write(f"进度 {done}/{total}")
            if done >= total:
                break
            time.sleep(2)

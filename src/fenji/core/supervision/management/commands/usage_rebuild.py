from django.core.management.base import CommandError

from fenji.core.kernel.commands import FenjiCommand
from fenji.core.supervision.forms import MonthField
from fenji.core.supervision.usage import months_between, usage_rebuild


class Command(FenjiCommand):
    help = "重新统计各单位的系统使用情况（按月汇总到上级；fenji worker 每小时自动统计本月和上月）"

    def add_arguments(self, parser):
        parser.add_argument("--start", help="起始月份，如 2026-01（默认上月）")
        parser.add_argument("--end", help="截止月份，如 2026-12（默认本月）")

    def handle(self, *args, start=None, end=None, verbosity=1, **options):
        months = None
        if start or end:
            try:
                first, last = MonthField().clean(start or end), MonthField().clean(end or start)
            except Exception as error:
                raise CommandError("月份格式应为 2026-01") from error
            if last < first:
                raise CommandError("截止月份不能早于起始月份")
            months = months_between(first, last)
        run = usage_rebuild(months)
        if verbosity:
            self.stdout.write(f"使用情况已统计：{run.months}，{run.rows} 项，用时 {run.seconds:.2f} 秒")

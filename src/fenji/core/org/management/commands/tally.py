from django.core.management.base import BaseCommand

from fenji.core.org.tally import tally_rebuild


class Command(BaseCommand):
    help = "重新生成单位统计快照（首页与单位页的下级单位数、在用账号数；fenji worker 每 10 分钟自动生成）"

    def handle(self, *args, verbosity=1, **options):
        result = tally_rebuild()
        if verbosity:
            self.stdout.write(f"统计快照已更新：{result.run.units} 个单位，{result.rows} 项统计"
                              f"（新增 {result.created}，更新 {result.updated}，删除 {result.deleted}），"
                              f"用时 {result.seconds:.2f} 秒（其中计数 {result.count_seconds:.2f} 秒）")

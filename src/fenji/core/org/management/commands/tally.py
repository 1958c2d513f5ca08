from fenji.core.kernel.commands import FenjiCommand
from fenji.core.org.census import census_check
from fenji.core.org.tally import tally_rebuild


class Command(FenjiCommand):
    help = ("重新生成单位统计快照（首页与单位页的下级单位数、在用账号数；fenji worker 每 10 分钟自动生成），"
            "并核对各单位子树的正常单位数（发文范围计数所用）")

    def handle(self, *args, verbosity=1, **options):
        result = tally_rebuild()
        if verbosity:
            self.stdout.write(f"统计快照已更新：{result.run.units} 个单位，{result.rows} 项统计"
                              f"（新增 {result.created}，更新 {result.updated}，删除 {result.deleted}），"
                              f"用时 {result.seconds:.2f} 秒（其中计数 {result.count_seconds:.2f} 秒）")
        mended = census_check()
        if verbosity:
            self.stdout.write(f"子树单位数核对完毕：修正 {mended} 项" if mended else "子树单位数核对完毕：无误")

import datetime

from fenji.core.files.services import files_sweep
from fenji.core.kernel.commands import FenjiCommand


class Command(FenjiCommand):
    help = "附件：sweep 清理没有记录引用的存储文件（上传后事务回滚留下的），默认只清理 1 小时前的"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sweep = sub.add_parser("sweep", help="删除没有附件记录引用、且早于指定分钟数的文件")
        sweep.add_argument("--minutes", type=int, default=60, help="只清理早于这么多分钟的文件（默认 60）")

    def handle(self, *args, verb, **options):
        removed = files_sweep(older_than=datetime.timedelta(minutes=max(options["minutes"], 0)))
        self.stdout.write(f"已清理 {len(removed)} 个无引用的文件")

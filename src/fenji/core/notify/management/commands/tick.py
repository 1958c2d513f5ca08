from django.core.management.base import CommandError

from fenji.core.kernel.commands import FenjiCommand
from fenji.core.notify import periodic


class Command(FenjiCommand):
    help = "运行到期的定时任务一次（供 cron 与测试使用；常驻运行请用 fenji worker）"

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="只运行这些定时任务（默认全部已注册的任务）")
        parser.add_argument("--all", action="store_true", dest="run_all", help="不论间隔是否已到，全部运行")
        parser.add_argument("--list", action="store_true", help="列出已注册的定时任务后退出")

    def handle(self, *args, names, run_all, list, verbosity=1, **options):
        registered = {job.name: job for job in periodic.jobs()}
        if list:
            for job in registered.values():
                self.stdout.write(f"{job.name}\t每 {int(job.every.total_seconds())} 秒")
            return
        unknown = [name for name in names if name not in registered]
        if unknown:
            raise CommandError(f"没有这个定时任务：{'、'.join(unknown)}")
        report = periodic.run_due(run_all=run_all, names=names or None)
        if verbosity:
            self.stdout.write(f"已运行 {len(report.ran)} 个，失败 {len(report.failed)} 个，"
                              f"未到时间 {len(report.not_due)} 个")
            for name in report.failed:
                self.stderr.write(f"失败：{name}")
        if report.failed:
            raise CommandError("有定时任务运行失败，详见日志")

import datetime
import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from fenji.core.audit.chain import RETENTION_DAYS, purge_before, verify_chain
from fenji.core.audit.checkpoints import checkpoint_check, checkpoint_create, checkpoint_export
from fenji.core.audit.services import PLATFORM, audit_record
from fenji.core.kernel.commands import FenjiCommand


class Command(FenjiCommand):
    help = "审计日志：verify 校验哈希链；checkpoint 生成签名检查点；purge 清理超过保留期的事件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify", help="重新计算哈希链，报告第一处断点（断开时退出码非零）")
        verify.add_argument("--checkpoint", help="同时核对一个导出的检查点文件")
        checkpoint = sub.add_parser("checkpoint", help="对当前链尾签名（SM2），并可导出供异地保存")
        checkpoint.add_argument("--output", help="把检查点写入该文件（JSON）")
        purge = sub.add_parser("purge", help=f"清理早于指定日期的事件（至少保留 {RETENTION_DAYS} 天）")
        purge.add_argument("--before", required=True, help="YYYY-MM-DD")
        purge.add_argument("--yes", action="store_true", help="确认清理")

    def handle(self, *args, verb, **options):
        getattr(self, f"_{verb}")(**options)

    def _verify(self, checkpoint=None, **options):
        verdict = verify_chain()
        if not verdict.ok:
            raise CommandError(verdict.describe())
        self.stdout.write(verdict.describe())
        if checkpoint:
            problem = checkpoint_check(json.loads(Path(checkpoint).read_text()))
            if problem:
                raise CommandError(problem)
            self.stdout.write("检查点核对一致")

    def _checkpoint(self, output=None, **options):
        try:
            point = checkpoint_create()
        except ValueError as error:
            raise CommandError(str(error)) from None
        document = checkpoint_export(point)
        if output:
            Path(output).write_text(json.dumps(document, ensure_ascii=False, indent=2))
        self.stdout.write(f"已签名检查点：序号 {point.seq}，哈希 {point.hash}" + (f"，已写入 {output}" if output else ""))

    def _purge(self, before, yes=False, **options):
        try:
            day = datetime.date.fromisoformat(before)
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD") from None
        cutoff = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        if not yes:
            raise CommandError("清理不可恢复：请确认后加 --yes 重新执行")
        try:
            removed = purge_before(cutoff)
        except ValueError as error:
            raise CommandError(str(error)) from None
        audit_record(actor=PLATFORM, action="audit.purge", details={"before": before, "removed": removed,
                                                                  "at": timezone.now().isoformat()})
        self.stdout.write(f"已清理 {removed} 条 {before} 之前的审计事件")

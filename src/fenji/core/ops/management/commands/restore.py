import sys
from pathlib import Path

from django.core.management.base import CommandError

from fenji.core.kernel.commands import FenjiCommand
from fenji.core.ops import backup as ops_backup

YES = {"是", "y", "yes"}


class Command(FenjiCommand):
    help = "用备份文件覆盖当前数据库；先按清单校验文件，恢复后核对核心表并校验审计链"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（fenji backup 生成）")
        parser.add_argument("--manifest", help="校验清单（默认为备份文件名加 .json）")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复（非交互方式运行时必须给出）")

    def handle(self, *args, file, manifest=None, yes=False, **options):
        try:
            path = Path(file).expanduser().resolve()
            loaded = ops_backup.load_manifest(path, Path(manifest) if manifest else None)
            ops_backup.verify_file(path, loaded)
        except ops_backup.BackupError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"备份文件校验通过：{path}")
        self.stdout.write(f"  备份时间：{loaded.get('created_at')}  程序版本：{loaded.get('fenji_version')}  "
                          f"SHA-256：{loaded['sha256']}")
        if not yes:
            self._confirm(loaded)
        try:
            result = ops_backup.restore(path, manifest=loaded)
        except ops_backup.BackupError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"已从 {path.name} 恢复数据库"))
        if result.mismatched:
            self.stderr.write(self.style.ERROR("恢复后的核心表与备份清单不一致：" + "、".join(result.mismatched)))
        else:
            self.stdout.write("  核心表与备份清单一致：" + "，".join(
                f"{name} {info['rows']}" for name, info in loaded.get("tables", {}).items()))
        if result.pending_migrations:
            self.stdout.write(self.style.WARNING(
                f"  恢复的数据库还有 {result.pending_migrations} 个迁移未应用：请运行 fenji migrate"))
        chain = result.chain
        if chain.status == "ok":
            self.stdout.write(self.style.SUCCESS(f"  {chain.message}"))
        elif chain.status == "skipped":
            self.stdout.write(self.style.WARNING(f"  {chain.message}"))
        else:
            self.stderr.write(self.style.ERROR(f"  {chain.message}"))
        if not result.ok:
            raise CommandError("恢复后的校验未通过：请勿投入使用，检查备份来源后重新恢复")

    def _confirm(self, manifest):
        if not sys.stdin.isatty():
            raise CommandError("恢复会覆盖当前数据库中的全部数据。非交互方式运行时须加 --yes 确认")
        database = ops_backup.database_label()
        self.stdout.write(self.style.WARNING(
            f"即将用 {manifest.get('created_at')} 的备份覆盖当前数据库 {database}。\n"
            "当前数据库中的全部数据将被替换，且无法撤销（如需保留，请先运行 fenji backup）。"))
        answer = input("确认恢复吗？请输入“是”或 yes：").strip().lower()
        if answer not in YES:
            raise CommandError("已取消，数据库未作任何改动")

from django.core.management.base import CommandError

from fenji.core.kernel.commands import FenjiCommand
from fenji.core.ops import backup as ops_backup


class Command(FenjiCommand):
    help = "备份整个数据库（SQLite：在线备份；PostgreSQL：pg_dump），并在旁边写一份校验清单（.json）"

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="备份文件路径（默认 var/backups/fenji-<UTC 时间>.sqlite3 或 .dump）")

    def handle(self, *args, output=None, **options):
        try:
            result = ops_backup.backup(output)
        except ops_backup.BackupError as error:
            raise CommandError(error.message) from None
        tables = result.manifest["tables"]
        self.stdout.write(self.style.SUCCESS(f"备份完成：{result.path}"))
        self.stdout.write(f"  数据库：{ops_backup.ENGINE_LABELS[result.manifest['engine']]} {result.manifest['database']}")
        self.stdout.write(f"  大小：{result.size} 字节（{ops_backup.human_size(result.size)}）")
        self.stdout.write(f"  SHA-256：{result.sha256}")
        self.stdout.write(f"  清单：{result.manifest_path}")
        self.stdout.write("  核心表行数：" + "，".join(f"{name} {info['rows']}" for name, info in tables.items()))
        keys = ops_backup.key_files()
        if keys:
            self.stdout.write(self.style.WARNING(
                "  注意：备份不含密钥文件，请另行安全保管（与备份分开存放）：" + "、".join(str(k) for k in keys)))

import sys
from pathlib import Path

from django.core.management.base import CommandError

from fenji.core.kernel.commands import FenjiCommand
from fenji.core.seals.services import package_verify


class Command(FenjiCommand):
    help = "电子印章：verify FILE 校验导出的签章文件包（有效/无效及原因；无效时退出码非零）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify", help="校验签章文件包（zip）")
        verify.add_argument("file", help="签章文件包路径")

    def handle(self, *args, verb, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取 {path}：{error.strerror}") from None
        result = package_verify(data)
        if result.ok:
            self.stdout.write(f"有效：{result.reason}")
            return
        self.stdout.write(f"无效：{result.reason}")
        sys.exit(1)

"""``fenji discipline export|import|key``: the one-way export to the internal network (design/domain/discipline.md §5).
Thin: the services in ``export_services`` do the work."""

from django.core.management.base import CommandError

from fenji.core.access.policy import SYSTEM
from fenji.core.kernel.commands import FenjiCommand
from fenji.core.kernel.errors import DomainError
from fenji.core.org.models import Unit

from ...export_services import discipline_export, discipline_import, receiver_signer, unit_code, unit_signer
from ...models import ReceivedPackage


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None and code.startswith("U") and code[1:].isdigit():
        unit = Unit.objects.filter(pk=int(code[1:])).first()
    if unit is None:
        raise CommandError(f"找不到单位代码为 {code} 的单位")
    return unit


class Command(FenjiCommand):
    help = "纪检监察数据单向导出到内网：export 生成导出包；import 在内网导入；key 显示本单位签名公钥"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        export = sub.add_parser("export", help="把自上一包以来新增或变更的记录写成签名的导出包")
        export.add_argument("--unit", required=True, help="导出单位的单位代码")
        export.add_argument("--output", help="导出包写入的目录（默认为服务器导出目录，可在内网导出页面下载）")
        imp = sub.add_parser("import", help="校验并导入一个导出包（全部接受或全部拒绝）")
        imp.add_argument("package", help="导出包目录")
        key = sub.add_parser("key", help="显示单位的 SM2 签名公钥（登记到内网接收端）；或内网接收端的加密公钥")
        which = key.add_mutually_exclusive_group(required=True)
        which.add_argument("--unit", help="单位代码：外网发送单位的签名公钥")
        which.add_argument("--receiver", action="store_true",
                           help="内网接收端的 SM2 加密公钥（在外网设为 FENJI_DISCIPLINE_RECEIVER_KEY：信访人信息加密到它）")

    def handle(self, *args, verb, **options):
        getattr(self, f"_{verb}")(**options)

    def _export(self, unit, output, **options):
        try:
            package = discipline_export(actor=SYSTEM, unit=_unit(unit), directory=output)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"已生成导出包 {package.name}：序号 {package.seq}，{package.record_count} 条记录，"
                          f"SM3 {package.digest}")

    def _import(self, package, **options):
        try:
            received = discipline_import(actor=SYSTEM, directory=package)
        except DomainError as error:
            raise CommandError(f"拒绝导入整个包：{error.message}") from None
        if received.status == ReceivedPackage.Status.QUARANTINED:
            raise CommandError(f"已隔离：{received.reason}")
        self.stdout.write(f"已导入 {received.source_code} 第 {received.seq} 包，{received.record_count} 条记录，"
                          f"SM3 {received.digest}（外网凭此摘要登记确认）")

    def _key(self, unit, receiver=False, **options):
        if receiver:
            self.stdout.write(receiver_signer().public_key())
            return
        found = _unit(unit)
        self.stdout.write(f"{unit_code(found)} {unit_signer(found).public_key()}")

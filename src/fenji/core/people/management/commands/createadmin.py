from django.core.management.base import CommandError

from fenji.core.kernel.commands import FenjiCommand
from fenji.core.kernel.errors import DomainError
from fenji.core.people.bootstrap import create_admin


class Command(FenjiCommand):
    help = "创建第一个平台管理员（绑定根单位的普通账号，不是超级用户）"

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="姓名")
        parser.add_argument("--mobile", required=True, help="手机号码（登录账号）")
        parser.add_argument("--id-number", required=True, help="身份证号码")
        parser.add_argument("--unit-name", default="", help="根单位名称（平台还没有根单位时必填）")

    def handle(self, *args, **options):
        try:
            account, password = create_admin(real_name=options["name"], mobile=options["mobile"],
                                             id_number=options["id_number"], unit_name=options["unit_name"])
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"已创建平台管理员 {account.person.real_name}（{account.mobile}），"
                                             f"所属单位：{account.unit.name}"))
        self.stdout.write(f"初始密码：{password}（首次登录须修改）")
        self.stdout.write("首次登录时还须用手机上的验证器应用绑定动态口令（管理员须通过密码和动态口令两重验证）")

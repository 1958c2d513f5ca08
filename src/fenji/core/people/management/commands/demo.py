import os

from django.core.management.base import CommandError

from fenji.core.kernel import profiles
from fenji.core.kernel.commands import FenjiCommand
from fenji.core.kernel.errors import DomainError
from fenji.core.org.tally import tally_rebuild
from fenji.core.people.bootstrap import demo_password


class Command(FenjiCommand):
    help = "装入所用配置方案（FENJI_PROFILE）的演示数据：单位树及演示账号（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--password", help="演示账号的密码（默认生成一个并保存在 var/ 中）")

    def handle(self, *args, password=None, **options):
        profile = profiles.active()
        if profile.demo is None:
            raise CommandError(f"配置方案 {profile.name} 没有演示数据")
        password = demo_password(password)
        try:
            logins = profile.demo(password=password)
        except DomainError as error:
            raise CommandError(error.message) from None
        tally_rebuild()  # the dashboard counts, at once rather than at the worker's first run
        self.stdout.write(self.style.SUCCESS(f"{profile.display_name}：演示数据已就绪。演示账号（手机号码登录）："))
        for login in logins:
            secret = f"  动态口令密钥：{login.totp_secret}" if login.totp_secret else ""
            self.stdout.write(f"  {login.role:<16} {login.name:<4} {login.mobile}  {login.unit}  [{login.where}]{secret}")
        self.stdout.write(f"  密码（全部演示账号）：{password}")
        example = next((login.mobile for login in logins if login.totp_secret), "")
        if example:
            self.stdout.write("  管理员登录时还须输入动态口令：在验证器应用中手工添加上面的密钥（基于时间，6 位，30 秒），"
                              f"或运行 fenji demo_code --mobile {example} 查看当前口令")
        base = f"http://{os.environ.get('FENJI_HOST', '127.0.0.1')}:{os.environ.get('FENJI_PORT', '8000')}"
        self.stdout.write(f"  控制台：{base}/login/    移动端：{base}/m/login/")

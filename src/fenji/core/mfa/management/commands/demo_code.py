from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from fenji.core.kernel.commands import FenjiCommand
from fenji.core.mfa import services as mfa


class Command(FenjiCommand):
    help = "演示专用：显示演示管理员当前的动态口令（只能在 fenji demo 装入的演示数据库上运行）"

    def add_arguments(self, parser):
        parser.add_argument("--mobile", required=True, help="演示管理员的手机号码（登录账号）")

    def handle(self, *args, mobile, **options):
        if not mfa.is_demo_database():
            raise CommandError("这不是演示数据库（没有 fenji demo 写入的演示标记），拒绝显示动态口令")
        Account = get_user_model()
        try:
            account = Account._default_manager.get_by_natural_key(mobile.strip())
        except Account.DoesNotExist:
            raise CommandError(f"没有手机号码为 {mobile} 的账号") from None
        code = mfa.current_code(account) if mfa.has_confirmed_device(account) else None
        if code is None:
            raise CommandError(f"账号 {mobile} 没有绑定动态口令验证器（只有管理员需要动态口令）")
        left = int(mfa.seconds_left_in_step())
        self.stdout.write(code)
        self.stderr.write(f"（{left} 秒内有效，每个口令只能使用一次）")

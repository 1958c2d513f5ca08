from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fenji.core.access import policy
from fenji.core.mfa import services as mfa


class Command(BaseCommand):
    help = "重置账号的动态口令：删除已绑定的验证器和恢复码，下次登录时重新绑定（手机和恢复码都丢失时使用）"

    def add_arguments(self, parser):
        parser.add_argument("--mobile", required=True, help="手机号码（登录账号）")

    def handle(self, *args, mobile, **options):
        Account = get_user_model()
        try:
            account = Account._default_manager.get_by_natural_key(mobile.strip())
        except Account.DoesNotExist:
            raise CommandError(f"没有手机号码为 {mobile} 的账号") from None
        mfa.second_factor_reset(actor=policy.SYSTEM, account=account)
        self.stdout.write(self.style.SUCCESS(f"已重置 {mobile} 的动态口令：该账号下次登录时须重新绑定验证器"))

"""``fenji mfa_reset --mobile M``: for an account whose phone and recovery codes are both lost.

It lives with the accounts rather than in ``mfa``: besides forgetting the authenticator it ends the
account's sessions and revokes its API tokens, which only this layer can reach.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from fenji.core.access import policy
from fenji.core.kernel.commands import FenjiCommand
from fenji.core.people.services import account_second_factor_reset


class Command(FenjiCommand):
    help = ("重置账号的动态口令：删除已绑定的验证器和恢复码，结束该账号的全部会话并撤销其接口令牌，"
            "下次登录时重新绑定（手机和恢复码都丢失时使用）")

    def add_arguments(self, parser):
        parser.add_argument("--mobile", required=True, help="手机号码（登录账号）")

    def handle(self, *args, mobile, **options):
        Account = get_user_model()
        try:
            account = Account._default_manager.get_by_natural_key(mobile.strip())
        except Account.DoesNotExist:
            raise CommandError(f"没有手机号码为 {mobile} 的账号") from None
        account_second_factor_reset(actor=policy.SYSTEM, account=account)
        self.stdout.write(self.style.SUCCESS(
            f"已重置 {mobile} 的动态口令，并结束其全部会话、撤销其接口令牌：该账号下次登录时须重新绑定验证器"))

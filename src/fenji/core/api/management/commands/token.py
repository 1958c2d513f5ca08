"""``fenji token create|list|revoke``: personal API tokens, managed by the operator on the server.

The command acts as the platform itself (``policy.SYSTEM``); every change is audited like any other.
A token for an administrator made here needs no second factor (the operator is on the host): its
``api.token.create`` event says so (``second_factor: host_operator``).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.api import selectors, services
from fenji.core.api.models import MAX_DAYS
from fenji.core.kernel.commands import FenjiCommand
from fenji.core.kernel.errors import DomainError, NotVisible, Refusal
from fenji.core.kernel.text import control_error


def _account(mobile: str):
    try:
        return get_user_model().objects.get_by_natural_key((mobile or "").strip())
    except get_user_model().DoesNotExist:
        raise CommandError(f"没有手机号码为 {mobile} 的账号") from None


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class Command(FenjiCommand):
    help = "管理个人接口令牌：create 创建（令牌只显示一次）、list 列出、revoke 撤销"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="create|list|revoke")
        create = commands.add_parser("create", help="为账号创建接口令牌，完整令牌只显示这一次")
        create.add_argument("--account", required=True, help="账号的手机号码")
        create.add_argument("--name", required=True, help="令牌用途，例如“数据同步脚本”")
        create.add_argument("--days", type=int, default=None,
                            help=f"有效天数，1 到 {MAX_DAYS}（不填则按 FENJI_TOKEN_DAYS，默认 90 天；到期前可随时撤销）")
        listing = commands.add_parser("list", help="列出账号的接口令牌")
        listing.add_argument("--account", required=True, help="账号的手机号码")
        revoke = commands.add_parser("revoke", help="撤销接口令牌")
        revoke.add_argument("--id", type=int, required=True, help="令牌编号（见 list）")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['subcommand']}")(options)
        except NotVisible:
            raise CommandError("令牌不存在") from None
        except (DomainError, Refusal) as error:
            raise CommandError(error.message) from None

    def _create(self, options):
        account = _account(options["account"])
        # the command line is an edge like the API's InputSchema and the forms: it refuses control characters
        refused = control_error((options["name"] or "").strip(), label="令牌名称")
        if refused:
            raise CommandError(refused)
        token, plain = services.token_create(actor=policy.SYSTEM, account=account, name=options["name"],
                                             days=options["days"])
        self.stdout.write(self.style.SUCCESS(
            f"已为 {account.person.real_name}（{account.mobile}）创建接口令牌 #{token.pk}“{token.name}”，"
            f"有效期至 {_when(token.expires_at)}"))
        self.stdout.write("令牌只显示这一次，平台只保存其摘要，请立即妥善保存：")
        self.stdout.write(plain)

    def _list(self, options):
        account = _account(options["account"])
        rows = list(selectors.token_list_for_account(account=account))
        if not rows:
            self.stdout.write(f"{account.person.real_name}（{account.mobile}）没有接口令牌")
            return
        self.stdout.write("编号\t名称\t令牌\t状态\t创建时间\t最近使用\t有效期至\t撤销原因")
        for token in rows:
            self.stdout.write("\t".join([
                str(token.pk), token.name, token.display, token.status_label, _when(token.created_at),
                _when(token.last_used_at), _when(token.expires_at), token.revoke_reason or "—",
            ]))

    def _revoke(self, options):
        token = selectors.token_get(actor=policy.SYSTEM, pk=options["id"])
        services.token_revoke(actor=policy.SYSTEM, token=token)
        self.stdout.write(self.style.SUCCESS(f"已撤销接口令牌 #{token.pk}“{token.name}”"))

"""Writes to API tokens: create (the plain token is returned once and never stored) and revoke — one by
its owner or manager, or all of an account's at once when its sessions end (disabled, password changed,
under investigation)."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.permissions import TOKEN_MANAGE
from fenji.core.audit import ratelimits
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel import context
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.mfa import services as mfa

from . import tokens
from .models import MAX_DAYS, ApiToken, default_days

TOUCH_INTERVAL = datetime.timedelta(minutes=1)
MOBILE_ONLY = "会员、离退休干部和群众账号只能在移动端查看本人信息，不能使用接口令牌"
SECOND_FACTOR_REQUIRED = "管理员账号的接口令牌须在通过动态口令验证的登录状态下创建，请重新登录"
MANUAL_REVOKE = "手动撤销"
HOST_OPERATOR = "host_operator"  # how a token made by `fenji token create` passed the second factor: it did not


def _require_manage(actor, account) -> None:
    """An account manages its own tokens; anyone else's need ``access.token.manage`` over that account."""
    if actor is policy.SYSTEM or (actor.account_id is not None and actor.account_id == account.pk):
        return
    policy.require(actor, TOKEN_MANAGE, account.unit_path)


@service
def token_create(*, actor, account, name: str, days: int | None = None,
                 second_factor: str = "") -> tuple[ApiToken, str]:
    """A new personal token for ``account``; returns the row and the plain token, which exists nowhere else.

    The token lives ``days`` (at most ``MAX_DAYS``), by default FENJI_TOKEN_DAYS. A token of an
    administrator (any system, security or audit duty) is as strong as the administrator's login, so it
    is made only by a session that passed the second factor (``second_factor``: "totp" or "recovery"),
    or by the operator on the host (``policy.SYSTEM``, the ``fenji token`` command), which is audited
    as such.
    """
    _require_manage(actor, account)
    if account.mobile_only:
        raise AccessDenied(MOBILE_ONLY, rule="mobile_only", action=TOKEN_MANAGE)
    administrator = mfa.needs_second_factor(account)
    if administrator:
        if actor is policy.SYSTEM:
            second_factor = HOST_OPERATOR
        elif not second_factor:
            raise AccessDenied(SECOND_FACTOR_REQUIRED, rule="second_factor_required", action=TOKEN_MANAGE)
    if not account.is_active:
        raise DomainError("该账号已停用，不能创建接口令牌", field="account")
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写令牌名称（用途）", field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise DomainError("令牌名称不能超过 50 个字", field="name")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise DomainError(f"有效天数应在 1 到 {MAX_DAYS} 之间", field="days")
    if actor is not policy.SYSTEM:
        ratelimits.hit("token.create", account=actor.account_id, ip=context.current().client_ip)
    new = tokens.generate()
    expires_at = timezone.now() + datetime.timedelta(days=days or default_days())
    token = ApiToken.objects.create(account=account, name=name, prefix=new.prefix, hash=new.hash,
                                    expires_at=expires_at)
    details = {"account": account.pk, "name": name, "prefix": new.prefix, "expires_at": expires_at.isoformat()}
    if administrator:
        details.update(administrator=True, second_factor=second_factor)
    audit_record(actor=actor, action="api.token.create", target=token, target_unit_path=account.unit_path,
                 details=details)
    return token, new.plain


@service
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    _require_manage(actor, token.account)
    token = ApiToken.objects.select_for_update().select_related("account").get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError("该令牌已撤销")
    token.revoked_at = timezone.now()
    token.revoke_reason = MANUAL_REVOKE
    token.save(update_fields=["revoked_at", "revoke_reason"])
    audit_record(actor=actor, action="api.token.revoke", target=token, target_unit_path=token.account.unit_path,
                 details={"account": token.account_id, "name": token.name, "prefix": token.prefix})
    return token


def account_tokens_revoke(*, actor, account, reason: str) -> list[ApiToken]:
    """Revoke every live token of ``account`` (each one audited with ``reason``).

    Not a service of its own: it runs inside the service that ends the account's sessions (disabling,
    a password change, an investigation), which has checked that ``actor`` may do that.
    """
    reason = reason[:ApiToken._meta.get_field("revoke_reason").max_length]
    now = timezone.now()
    live = list(ApiToken.objects.select_for_update().filter(account_id=account.pk, revoked_at__isnull=True)
                .order_by("pk"))
    ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=now, revoke_reason=reason)
    for token in live:
        token.revoked_at, token.revoke_reason = now, reason
        audit_record(actor=actor, action="api.token.revoke", target=token, target_unit_path=account.unit_path,
                     details={"account": account.pk, "name": token.name, "prefix": token.prefix, "reason": reason})
    return live


def token_touch(token: ApiToken) -> None:
    """Note that the token was used: at most one write a minute per token, outside any service."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now

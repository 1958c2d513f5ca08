"""Writes to API tokens: create (the plain token is returned once and never stored) and revoke."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.permissions import TOKEN_MANAGE
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.kernel.inputs import CONTROL

from . import tokens
from .models import ApiToken

MAX_DAYS = 3650
TOUCH_INTERVAL = datetime.timedelta(minutes=1)
MOBILE_ONLY = "会员、离退休干部和群众账号只能在移动端查看本人信息，不能使用接口令牌"


def _require_manage(actor, account) -> None:
    """An account manages its own tokens; anyone else's need ``access.token.manage`` over that account."""
    if actor is policy.SYSTEM or (actor.account_id is not None and actor.account_id == account.pk):
        return
    policy.require(actor, TOKEN_MANAGE, account.unit_path)


@service
def token_create(*, actor, account, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new personal token for ``account``; returns the row and the plain token, which exists nowhere else."""
    _require_manage(actor, account)
    if account.mobile_only:
        raise AccessDenied(MOBILE_ONLY, rule="mobile_only", action=TOKEN_MANAGE)
    if not account.is_active:
        raise DomainError("该账号已停用，不能创建接口令牌", field="account")
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写令牌名称（用途）", field="name")
    if CONTROL.search(name):
        raise DomainError("令牌名称含有不允许的控制字符", field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise DomainError("令牌名称不能超过 50 个字", field="name")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise DomainError(f"有效天数应在 1 到 {MAX_DAYS} 之间", field="days")
    new = tokens.generate()
    expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
    token = ApiToken.objects.create(account=account, name=name, prefix=new.prefix, hash=new.hash,
                                    expires_at=expires_at)
    audit_record(actor=actor, action="api.token.create", target=token, target_unit_path=account.unit_path,
                 details={"account": account.pk, "name": name, "prefix": new.prefix,
                          "expires_at": expires_at.isoformat() if expires_at else None})
    return token, new.plain


@service
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    _require_manage(actor, token.account)
    token = ApiToken.objects.select_for_update().select_related("account").get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError("该令牌已撤销")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="api.token.revoke", target=token, target_unit_path=token.account.unit_path,
                 details={"account": token.account_id, "name": token.name, "prefix": token.prefix})
    return token


def token_touch(token: ApiToken) -> None:
    """Note that the token was used: at most one write a minute per token, outside any service."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now

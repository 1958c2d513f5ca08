"""Reads of API tokens: an account's own, one in the actor's reach, and the lookup behind bearer auth."""

from django.contrib import auth
from django.db.models import Q
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.permissions import TOKEN_MANAGE
from fenji.core.kernel.errors import NotVisible

from . import tokens
from .models import ApiToken

NOT_VISIBLE = "令牌不存在或不在您的管理范围内"


def token_list_for_account(*, account):
    """Every token of the account, newest first (revoked and expired ones too, marked by their status)."""
    return ApiToken.objects.filter(account_id=account.pk).order_by("-created_at", "-id")


def token_get(*, actor, pk) -> ApiToken:
    """The actor's own token, or one of an account where the actor may ``access.token.manage``; else 404."""
    visible = Q(account_id=actor.account_id) if actor.account_id is not None else Q(pk__in=[])
    if actor is policy.SYSTEM:
        visible = Q()
    else:
        visible |= policy.scope_q(actor, TOKEN_MANAGE, field="account__unit_path")
    try:
        return ApiToken.objects.filter(visible).select_related("account").get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotVisible(NOT_VISIBLE, target_type=ApiToken._meta.label_lower, target_id=pk) from None


def _active_account(pk):
    """The token's account as a session's is loaded (the authentication backend: with its person, unit and
    live grants in one query, ADR 0019); None when it is disabled (its row is protected from deletion)."""
    for backend in auth.get_backends():
        get_user = getattr(backend, "get_user", None)  # django-axes' backend loads no one
        account = get_user(pk) if get_user is not None else None
        if account is not None:
            return account
    return None


def token_for_bearer(plain: str) -> tuple[ApiToken | None, str]:
    """The live token behind a bearer value, with its account; or (None, why not) — never the plain token."""
    prefix = tokens.prefix_of(plain)
    if prefix is None:
        return None, "malformed"
    candidates = ApiToken.objects.filter(prefix=prefix)
    token = next((t for t in candidates if tokens.matches(plain, t.hash)), None)
    if token is None:
        return None, "unknown"
    if token.revoked_at is not None:
        return None, "revoked"
    if token.expires_at <= timezone.now():
        return None, "expired"
    account = _active_account(token.account_id)
    if account is None:
        return None, "account_disabled"
    ApiToken.account.field.set_cached_value(token, account)
    if token.account.mobile_only:
        return None, "mobile_only"
    return token, ""

"""Real-name sign-in through an external OpenID Connect provider (seed 004 §4, ADR 0017).

The person is sent to the provider (the national electronic social-security card app: a QR code scanned on the
phone) with the authorization-code flow and PKCE (S256); the provider sends them back with a code, which fenji
exchanges for an ID token. The token's signature is checked against the provider's published keys (JWKS), its
``iss``, ``aud``, ``exp`` and ``nonce`` against what this login expects; the ``state`` that comes back must be the
one this session sent, and each is used once. The verified ID number in the token (or, when the token does not
carry it, in the provider's userinfo answer for the same subject) must belong to exactly one active account,
found through the person's blind index: no account is ever created here.

What the provider proves replaces the password only: an account that needs a second factor goes on to the TOTP
page exactly as after its password (``authentication.begin_second_factor``), and the administrators' terminal
networks apply as well. Every attempt is audited: a success like a password login (``people.login`` with
``via: oidc``), each refusal under its own action code (``REFUSALS``) with the reason; refusals that name no
account are counted per client address and minute (``audit.refusals``), so a scan of the callback cannot
flood the log.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fenji.core.access.policy import ANONYMOUS, actor_for
from fenji.core.audit import refusals
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.kernel import context
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.network import from_admin_network
from fenji.core.mfa import services as mfa

from .identity import mask_id_number
from .models import Account

VIA = "oidc"
CHANNEL = "console"  # staff sign in on the console; members keep the phone's password login
BACKEND = "fenji.core.people.backends.AccountBackend"
# The provider checked who the person is; an account that needs a second factor now waits for it.
VERIFIED = "people.login.external"
REFUSALS = {
    "no_match": "people.login.external.no_match",
    "several": "people.login.external.several",
    "inactive": "people.login.external.inactive",
    "mobile_only": "people.login.external.mobile_only",
    "locked": "people.login.external.locked",
    "admin_terminal": "people.login.external.admin_terminal",
    "bad_state": "people.login.external.bad_state",
    "bad_nonce": "people.login.external.bad_nonce",
    "bad_token": "people.login.external.bad_token",
    "no_id_number": "people.login.external.no_id_number",
    "code_rejected": "people.login.external.code_rejected",
    "idp_error": "people.login.external.idp_error",
    "unreachable": "people.login.external.unreachable",
}
ACTIONS = (VERIFIED, *REFUSALS.values())
_PLAIN = re.compile(r"[^A-Za-z0-9_.-]")

# A login left at the provider longer than this is void: its state is refused when it comes back.
STATE_SECONDS = 10 * 60
# Clock difference tolerated between fenji and the provider when checking ``exp`` and ``iat``.
LEEWAY_SECONDS = 60
# The discovery document and keys are fetched again after this long (keys of an unknown ``kid`` at once).
METADATA_SECONDS = 3600
# Signatures fenji accepts on ID tokens: asymmetric only, so that a token can never be "signed" with the
# client secret or not at all, whatever the discovery document lists.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")

# What the person reads on the login page. A refusal about the account never says whether one exists.
NO_ACCOUNT_MESSAGE = _("未找到与您的实名身份对应的可用账号。如您是本平台工作人员，请联系本单位账号管理员核实账号信息。")
RETRY_MESSAGE = _("登录请求已失效或不属于本次会话，请返回登录页重新扫码登录。")
TOKEN_MESSAGE = _("身份认证结果未通过校验，请重新扫码登录。如多次出现，请联系平台运维人员。")
CODE_MESSAGE = _("授权码已失效或已被使用，请重新扫码登录。")
IDP_ERROR_MESSAGE = _("身份认证平台未完成认证（您可能取消了授权），请重新扫码登录。")
UNREACHABLE_MESSAGE = _("暂时无法连接身份认证平台，请稍后再试，或使用手机号码和密码登录。")
ADMIN_TERMINAL_MESSAGE = _("管理员账号只能从指定的管理终端登录，当前地址不在允许范围内")
NO_ID_NUMBER_MESSAGE = _("身份认证平台未返回有效的身份证号码，无法完成实名登录。")
MESSAGES = {
    "no_match": NO_ACCOUNT_MESSAGE, "several": NO_ACCOUNT_MESSAGE, "inactive": NO_ACCOUNT_MESSAGE,
    "mobile_only": NO_ACCOUNT_MESSAGE, "admin_terminal": ADMIN_TERMINAL_MESSAGE, "bad_state": RETRY_MESSAGE, "bad_nonce": TOKEN_MESSAGE,
    "bad_token": TOKEN_MESSAGE, "no_id_number": NO_ID_NUMBER_MESSAGE, "code_rejected": CODE_MESSAGE,
    "idp_error": IDP_ERROR_MESSAGE, "unreachable": UNREACHABLE_MESSAGE,
}


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    claim: str
    timeout: int


def provider() -> Provider | None:
    """The configured provider, or None: the login page then offers the password only."""
    if not (settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID):
        return None
    scopes = settings.OIDC_SCOPES if "openid" in settings.OIDC_SCOPES.split() else f"openid {settings.OIDC_SCOPES}"
    return Provider(issuer=settings.OIDC_ISSUER.rstrip("/"), client_id=settings.OIDC_CLIENT_ID,
                    client_secret=settings.OIDC_CLIENT_SECRET, scopes=scopes, claim=settings.OIDC_ID_NUMBER_CLAIM,
                    timeout=settings.OIDC_TIMEOUT_SECONDS)


def button_label() -> str:
    return settings.OIDC_BUTTON_LABEL or str(_("电子社保卡扫码登录"))


class Refused(Exception):
    def __init__(self, reason: str, *, detail: str = "", account: Account | None = None, id_number: str = ""):
        super().__init__(reason)
        # The detail may come from the provider's answer (an error code): only a short plain word is kept, so a
        # crafted one can neither forge log text nor break the JSON column (a NUL byte on PostgreSQL).
        self.detail = _PLAIN.sub("", str(detail))[:64]
        self.reason, self.account, self.id_number = reason, account, id_number


@dataclass
class ExternalResult:
    account: Account | None = None
    error: str = ""
    second_factor: bool = False  # the provider was right; the session waits for the TOTP
    next_url: str = ""


def begin(request, *, next_url: str) -> tuple[str, str]:
    """The provider's authorization URL for a new login of this session, or ("", the message) when the provider
    cannot be reached (``oidc.begin``)."""
    from . import oidc  # the protocol's libraries cost a server process ~30 MB: loaded by the first login

    return oidc.begin(request, next_url=next_url)


def finish(request) -> ExternalResult:
    """Take the provider's answer on the callback: the session starts (or waits for the TOTP), or the result
    carries the message the login page shows. Every outcome is audited."""
    from . import authentication, oidc

    try:
        account, state = oidc.verified_account(request)
        actor = actor_for(account)
        if authentication.account_locked(request, account):
            raise Refused("locked", account=account)
        second_factor = mfa.actor_needs_second_factor(actor)
        if second_factor and not from_admin_network(request):
            raise Refused("admin_terminal", account=account)
    except Refused as refused:
        return ExternalResult(error=refuse(request, refused))
    next_url = state.get("next", "")
    if second_factor:
        authentication.pending_begin(request, account, channel=CHANNEL, backend=BACKEND, next_url=next_url, via=VIA)
        audit_record(actor=actor, action=VERIFIED, target=account,
                     details={"channel": CHANNEL, "via": VIA, "second_factor": "required"})
        return ExternalResult(account, second_factor=True, next_url=next_url)
    authentication.start_session(request, account, actor=actor, channel=CHANNEL, backend=BACKEND, via=VIA)
    return ExternalResult(account, next_url=next_url)


def the_one_account(number: str) -> Account:
    accounts = list(Account.objects.unscoped(reason="the verified ID number names its own account")
                    .select_related("person", "unit").filter(person__id_number_hash=blind_index(number))[:2])
    masked = mask_id_number(number)
    if not accounts:
        raise Refused("no_match", id_number=masked)
    if len(accounts) > 1:  # the unique index on the ID number forbids it; refused should it ever happen
        raise Refused("several", id_number=masked)
    account = accounts[0]
    if not account.is_active:
        raise Refused("inactive", account=account)
    if account.mobile_only:
        raise Refused("mobile_only", account=account)
    return account


def refuse(request, refused: Refused) -> str:
    """Audit the refusal and return the message the login page shows."""
    action = REFUSALS[refused.reason]
    details = {"channel": CHANNEL, "via": VIA}
    if refused.detail:
        details["detail"] = refused.detail
    if refused.account is not None:
        # The auditor of the account's unit sees it, as a wrong password for an existing account.
        audit_record(actor=actor_for(refused.account), action=action, outcome=Outcome.DENIED, target=refused.account,
                     details={**details, "reason": refused.reason})
    else:
        if refused.id_number:
            details["id_number"] = refused.id_number
        outcome = Outcome.DENIED if refused.id_number else Outcome.FAILED
        refusals.note(key=f"{action}:ip:{context.current().client_ip}", action=action, actor=ANONYMOUS,
                      outcome=outcome, reason=refused.reason, sample=refused.id_number or refused.detail,
                      target_type="people.account", target_id=refused.id_number, details=details)
    if refused.reason == "locked":
        from .authentication import locked_message

        return locked_message()
    return str(MESSAGES[refused.reason])

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
import time
from dataclasses import dataclass
from functools import lru_cache

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from joserfc.errors import ClaimError, JoseError

from fenji.core.access.policy import ANONYMOUS, actor_for
from fenji.core.audit import refusals
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.kernel import context
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.network import from_admin_network
from fenji.core.mfa import services as mfa

from .identity import mask_id_number, parse_id_number
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


class _App(DjangoOAuth2App):
    """Authlib's Django client, holding the provider to what OpenID Connect Discovery promises."""

    def load_server_metadata(self):
        stale = time.time() - self.server_metadata.get("_loaded_at", 0) > METADATA_SECONDS
        if stale and "_loaded_at" in self.server_metadata:
            self.server_metadata = {}
        metadata = super().load_server_metadata()
        # Discovery §4.3: the document must name the issuer it was fetched from, or its keys prove nothing.
        if metadata.get("issuer", "").rstrip("/") != self._issuer:
            self.server_metadata = {}
            raise _Refused("unreachable", detail="issuer_mismatch")
        listed = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        metadata["id_token_signing_alg_values_supported"] = [a for a in listed if a in SIGNING_ALGORITHMS]
        return metadata


@lru_cache(maxsize=4)
def _client(config: Provider) -> _App:
    """One client per configuration: it keeps the discovery document and keys between logins."""
    client = OAuth().register(
        name="fenji_external", client_cls=_App, client_id=config.client_id,
        client_secret=config.client_secret or None,
        server_metadata_url=f"{config.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": config.scopes, "code_challenge_method": "S256", "default_timeout": config.timeout,
                       "token_endpoint_auth_method": "client_secret_basic" if config.client_secret else "none"})
    client._issuer = config.issuer
    return client


class _Refused(Exception):
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
    cannot be reached. The state, nonce and PKCE verifier stay in the session until the person comes back."""
    config = provider()
    client = _client(config)
    redirect_uri = request.build_absolute_uri(reverse("people:external_callback"))
    try:
        started = client.create_authorization_url(redirect_uri)
    except _Refused as refused:
        return "", _refuse(request, refused)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        return "", _refuse(request, _Refused("unreachable", detail=type(error).__name__))
    started.pop("url_params", None)
    url = started.pop("url")
    client.save_authorize_data(request, redirect_uri=redirect_uri, next=next_url, at=time.time(), **started)
    return url, ""


def finish(request) -> ExternalResult:
    """Take the provider's answer on the callback: the session starts (or waits for the TOTP), or the result
    carries the message the login page shows. Every outcome is audited."""
    from . import authentication

    try:
        account, state = _verified_account(request)
        actor = actor_for(account)
        if authentication.account_locked(request, account):
            raise _Refused("locked", account=account)
        second_factor = mfa.actor_needs_second_factor(actor)
        if second_factor and not from_admin_network(request):
            raise _Refused("admin_terminal", account=account)
    except _Refused as refused:
        return ExternalResult(error=_refuse(request, refused))
    next_url = state.get("next", "")
    if second_factor:
        authentication.pending_begin(request, account, channel=CHANNEL, backend=BACKEND, next_url=next_url, via=VIA)
        audit_record(actor=actor, action=VERIFIED, target=account,
                     details={"channel": CHANNEL, "via": VIA, "second_factor": "required"})
        return ExternalResult(account, second_factor=True, next_url=next_url)
    authentication.start_session(request, account, actor=actor, channel=CHANNEL, backend=BACKEND, via=VIA)
    return ExternalResult(account, next_url=next_url)


def _verified_account(request) -> tuple[Account, dict]:
    config = provider()
    client = _client(config)
    params = request.GET
    state_value = params.get("state", "")
    state = client.framework.get_state_data(request.session, state_value) if state_value else None
    if state is not None:
        client.framework.clear_state_data(request.session, state_value)  # one use, whatever follows
    if not state or time.time() - float(state.get("at", 0)) > STATE_SECONDS:
        raise _Refused("bad_state", detail="expired" if state else "unknown")
    if params.get("error"):
        raise _Refused("idp_error", detail=params.get("error", ""))
    if not params.get("code"):
        raise _Refused("idp_error", detail="no_code")

    try:
        token = client.fetch_access_token(redirect_uri=state["redirect_uri"], code=params["code"],
                                          code_verifier=state.get("code_verifier"))
    except _Refused:
        raise
    except AuthlibBaseError as error:
        # RFC 6749 §5.2: a code that was used, expired, or issued for another verifier is invalid_grant.
        reason = "code_rejected" if error.error == "invalid_grant" else "idp_error"
        raise _Refused(reason, detail=error.error or "") from None
    except requests.RequestException as error:
        raise _Refused("unreachable", detail=type(error).__name__) from None
    except ValueError:
        raise _Refused("idp_error", detail="unreadable_token_response") from None
    if "id_token" not in token:
        raise _Refused("bad_token", detail="no_id_token")

    claims = _checked_claims(client, config, token, nonce=state.get("nonce", ""))
    raw = claims.get(config.claim)
    if not raw and client.server_metadata.get("userinfo_endpoint"):
        raw = _from_userinfo(client, config, token, subject=claims["sub"])
    try:
        number = parse_id_number(str(raw or "")).number
    except DomainError:
        raise _Refused("no_id_number", detail=config.claim) from None
    return _the_one_account(number), state


def _checked_claims(client: _App, config: Provider, token: dict, *, nonce: str) -> dict:
    options = {"iss": {"essential": True, "value": config.issuer},
               "aud": {"essential": True, "value": config.client_id},
               "exp": {"essential": True}, "sub": {"essential": True}}
    try:
        return client.parse_id_token(token, nonce=nonce, claims_options=options, leeway=LEEWAY_SECONDS)
    except ClaimError as error:
        raise _Refused("bad_nonce" if error.claim == "nonce" else "bad_token", detail=error.claim) from None
    except requests.RequestException as error:
        raise _Refused("unreachable", detail=type(error).__name__) from None
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise _Refused("bad_token", detail=type(error).__name__) from None


def _from_userinfo(client: _App, config: Provider, token: dict, *, subject: str):
    try:
        info = client.userinfo(token=token)
    except requests.RequestException as error:
        raise _Refused("unreachable", detail=type(error).__name__) from None
    except (AuthlibBaseError, ValueError) as error:
        raise _Refused("idp_error", detail=type(error).__name__) from None
    # OpenID Connect Core §5.3.2: an answer about another subject is not about this person.
    if info.get("sub") != subject:
        raise _Refused("bad_token", detail="userinfo_sub")
    return info.get(config.claim)


def _the_one_account(number: str) -> Account:
    accounts = list(Account.objects.unscoped(reason="the verified ID number names its own account")
                    .select_related("person", "unit").filter(person__id_number_hash=blind_index(number))[:2])
    masked = mask_id_number(number)
    if not accounts:
        raise _Refused("no_match", id_number=masked)
    if len(accounts) > 1:  # the unique index on the ID number forbids it; refused should it ever happen
        raise _Refused("several", id_number=masked)
    account = accounts[0]
    if not account.is_active:
        raise _Refused("inactive", account=account)
    if account.mobile_only:
        raise _Refused("mobile_only", account=account)
    return account


def _refuse(request, refused: _Refused) -> str:
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

"""The OpenID Connect protocol of the external sign-in (``external``, ADR 0017): authlib's client held to what
Discovery promises, the authorization request, the code's exchange and the ID token's checks.

Kept apart from ``external`` (what the login page and the audit need) because authlib, requests and joserfc
cost each server process about 30 MB: they are loaded by the first external login, not by every process."""

import time
from functools import lru_cache

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.urls import reverse
from joserfc.errors import ClaimError, JoseError

from fenji.core.kernel.errors import DomainError

from .external import (
    LEEWAY_SECONDS,
    METADATA_SECONDS,
    SIGNING_ALGORITHMS,
    STATE_SECONDS,
    Provider,
    Refused,
    provider,
    refuse,
    the_one_account,
)
from .identity import parse_id_number
from .models import Account


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
            raise Refused("unreachable", detail="issuer_mismatch")
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


def begin(request, *, next_url: str) -> tuple[str, str]:
    """The provider's authorization URL for a new login of this session, or ("", the message) when the provider
    cannot be reached. The state, nonce and PKCE verifier stay in the session until the person comes back."""
    config = provider()
    client = _client(config)
    redirect_uri = request.build_absolute_uri(reverse("people:external_callback"))
    try:
        started = client.create_authorization_url(redirect_uri)
    except Refused as refused:
        return "", refuse(request, refused)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        return "", refuse(request, Refused("unreachable", detail=type(error).__name__))
    started.pop("url_params", None)
    url = started.pop("url")
    client.save_authorize_data(request, redirect_uri=redirect_uri, next=next_url, at=time.time(), **started)
    return url, ""


def verified_account(request) -> tuple[Account, dict]:
    config = provider()
    client = _client(config)
    params = request.GET
    state_value = params.get("state", "")
    state = client.framework.get_state_data(request.session, state_value) if state_value else None
    if state is not None:
        client.framework.clear_state_data(request.session, state_value)  # one use, whatever follows
    if not state or time.time() - float(state.get("at", 0)) > STATE_SECONDS:
        raise Refused("bad_state", detail="expired" if state else "unknown")
    if params.get("error"):
        raise Refused("idp_error", detail=params.get("error", ""))
    if not params.get("code"):
        raise Refused("idp_error", detail="no_code")

    try:
        token = client.fetch_access_token(redirect_uri=state["redirect_uri"], code=params["code"],
                                          code_verifier=state.get("code_verifier"))
    except Refused:
        raise
    except AuthlibBaseError as error:
        # RFC 6749 §5.2: a code that was used, expired, or issued for another verifier is invalid_grant.
        reason = "code_rejected" if error.error == "invalid_grant" else "idp_error"
        raise Refused(reason, detail=error.error or "") from None
    except requests.RequestException as error:
        raise Refused("unreachable", detail=type(error).__name__) from None
    except ValueError:
        raise Refused("idp_error", detail="unreadable_token_response") from None
    if "id_token" not in token:
        raise Refused("bad_token", detail="no_id_token")

    claims = _checked_claims(client, config, token, nonce=state.get("nonce", ""))
    raw = claims.get(config.claim)
    if not raw and client.server_metadata.get("userinfo_endpoint"):
        raw = _from_userinfo(client, config, token, subject=claims["sub"])
    try:
        number = parse_id_number(str(raw or "")).number
    except DomainError:
        raise Refused("no_id_number", detail=config.claim) from None
    return the_one_account(number), state


def _checked_claims(client: _App, config: Provider, token: dict, *, nonce: str) -> dict:
    options = {"iss": {"essential": True, "value": config.issuer},
               "aud": {"essential": True, "value": config.client_id},
               "exp": {"essential": True}, "sub": {"essential": True}}
    try:
        return client.parse_id_token(token, nonce=nonce, claims_options=options, leeway=LEEWAY_SECONDS)
    except ClaimError as error:
        raise Refused("bad_nonce" if error.claim == "nonce" else "bad_token", detail=error.claim) from None
    except requests.RequestException as error:
        raise Refused("unreachable", detail=type(error).__name__) from None
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise Refused("bad_token", detail=type(error).__name__) from None


def _from_userinfo(client: _App, config: Provider, token: dict, *, subject: str):
    try:
        info = client.userinfo(token=token)
    except requests.RequestException as error:
        raise Refused("unreachable", detail=type(error).__name__) from None
    except (AuthlibBaseError, ValueError) as error:
        raise Refused("idp_error", detail=type(error).__name__) from None
    # OpenID Connect Core §5.3.2: an answer about another subject is not about this person.
    if info.get("sub") != subject:
        raise Refused("bad_token", detail="userinfo_sub")
    return info.get(config.claim)

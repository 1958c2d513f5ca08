"""The provider for a test: ``idp`` (a fixture) configures fenji's external login against it.

    def test_x(idp, tree):
        staff = make_account(tree.city, name="南京科员")
        username, password = idp.user(staff.person.id_number)

The provider's RSA key is generated once per test session; its client (an ``oauth2_provider`` application)
and users live in the test database like any other rows.
"""

import re
import secrets
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fenji.core.people import oidc
from fenji.testing import make_account

CALLBACK = "/login/external/callback/"


@pytest.fixture(scope="session")
def idp_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@dataclass
class Idp:
    issuer: str  # http://127.0.0.1:<port>/idp
    rp: str  # fenji: http://localhost:<port>
    client_id: str
    client_secret: str
    unit: object
    users: list = field(default_factory=list)

    @property
    def origin(self) -> str:
        return self.issuer.removesuffix("/idp")

    def user(self, id_number: str, *, userinfo_only: bool = False) -> tuple[str, str]:
        """A provider user whose verified ID number is ``id_number``: (user name, password). ``userinfo_only``:
        the number is in the userinfo answer, not in the ID token."""
        from . import validators, views

        account = make_account(self.unit, name="认证平台用户")
        username, password = f"user{account.pk}", secrets.token_urlsafe(12)
        views.USERS[username] = (password, account.pk)
        validators.ID_NUMBERS[account.pk] = id_number
        if userinfo_only:
            validators.USERINFO_ONLY.add(account.pk)
        self.users.append((username, account.pk))
        return username, password

    def sign_in_flow(self, session: requests.Session, username: str, password: str, *, start: str = "") -> str:
        """Drive a browser-less login up to the provider's redirect back to fenji: returns the callback URL
        (with its code and state), not followed."""
        answer = session.get(f"{self.rp}{start or '/login/external/'}", allow_redirects=False)
        assert answer.status_code == 302, answer.text[:500]
        authorize = answer.headers["Location"]
        assert authorize.startswith(f"{self.issuer}/authorize/")
        return self.at_provider(session, authorize, username, password)

    def at_provider(self, session: requests.Session, authorize: str, username: str, password: str) -> str:
        """From the provider's authorization URL to its redirect back to fenji (signing in there first)."""
        answer = session.get(authorize, allow_redirects=False)
        if answer.status_code == 302 and answer.headers["Location"].startswith("/idp/login/"):
            self.at_provider_login_only(session, authorize, username, password)
            answer = session.get(authorize, allow_redirects=False)
        assert answer.status_code == 302, answer.text[:500]
        callback = answer.headers["Location"]
        assert callback.startswith(f"{self.rp}{CALLBACK}"), callback
        return callback

    def at_provider_login_only(self, session: requests.Session, authorize: str, username: str, password: str):
        page = session.get(f"{self.issuer}/login/", params={"next": authorize[len(self.origin):]})
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        next_url = unescape(re.search(r'name="next" value="([^"]*)"', page.text).group(1))
        answer = session.post(f"{self.issuer}/login/", data={
            "csrfmiddlewaretoken": token, "username": username, "password": password, "next": next_url,
        }, headers={"Referer": f"{self.issuer}/login/"}, allow_redirects=False)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/idp/"), answer.text[:500]


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def idp(live_server, settings, idp_key, tree):
    """fenji configured to sign in through the local provider, served by ``live_server`` with it."""
    # Imported here, not with the plugin: django-oauth-toolkit's models load only where its app is installed.
    from oauth2_provider.models import get_application_model

    from . import validators, views

    port = urlsplit(live_server.url).port
    rp, issuer = f"http://localhost:{port}", f"http://127.0.0.1:{port}/idp"
    settings.ROOT_URLCONF = "tests.idp.urls"
    settings.OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": idp_key,
        "OIDC_ISS_ENDPOINT": issuer,
        "OAUTH2_VALIDATOR_CLASS": "tests.idp.validators.Validator",
        "SCOPES": {"openid": "OpenID Connect"},
        "PKCE_REQUIRED": True,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http"],
        "ALLOWED_SCHEMES": ["http"],
    }
    secret = secrets.token_urlsafe(24)
    application = get_application_model().objects.create(
        name="fenji", client_type="confidential", authorization_grant_type="authorization-code",
        redirect_uris=f"{rp}{CALLBACK}", client_secret=secret, algorithm="RS256", skip_authorization=True)
    settings.OIDC_ISSUER = issuer
    settings.OIDC_CLIENT_ID = application.client_id
    settings.OIDC_CLIENT_SECRET = secret
    settings.OIDC_ID_NUMBER_CLAIM = validators.CLAIM
    oidc._client.cache_clear()
    provider = Idp(issuer=issuer, rp=rp, client_id=application.client_id, client_secret=secret,
                   unit=tree.sibling_city)
    yield provider
    for username, pk in provider.users:
        views.USERS.pop(username, None)
        validators.ID_NUMBERS.pop(pk, None)
        validators.USERINFO_ONLY.discard(pk)
    oidc._client.cache_clear()

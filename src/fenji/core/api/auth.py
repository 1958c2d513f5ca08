"""Who is calling: a personal token (machine clients) or the browser session (with CSRF on writes).

Both end in ``authorize``: ``request.user`` and ``request.actor`` are set, and the operation's declared
action is checked before its input is even parsed — an account without the grant gets 403, recorded.
Members, retired cadres and citizens (``account.mobile_only``) reach only the routes about themselves.
"""

from django.conf import settings
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from fenji.core.access import policy
from fenji.core.audit import refusals
from fenji.core.audit.models import Outcome
from fenji.core.kernel import context
from fenji.core.kernel.errors import AccessDenied
from fenji.core.kernel.network import from_admin_network
from fenji.core.kernel.routes import RouteRule
from fenji.core.mfa import services as mfa

from . import selectors, services

SIGNED_IN = RouteRule(channel="api")
ADMIN_TERMINAL_DENIED = "管理员的接口令牌只能从指定的管理终端使用"
TOKEN_AUTHENTICATE = "api.token.authenticate"
MOBILE_ONLY_DENIED = "您的账号只能通过移动端查看本人信息，不能使用管理接口"


def authorize(request, account, rule: RouteRule, *, via: str, actor=None):
    """The caller is ``account``: remember it on the request and check the route's action."""
    request.user = account
    if actor is not None:
        request.actor = actor
    request.api_auth = via
    if rule.action is not None:
        if account.mobile_only:
            raise AccessDenied(MOBILE_ONLY_DENIED, rule="mobile_only", action=rule.action)
        policy.require(request.actor, rule.action)  # held nowhere → AccessDenied "no_grant"
    return account


def auth_failed(request, *, reason: str, prefix: str = ""):
    """A bad bearer token: 401, or 429 once the client address has failed ``AUTH_FAILURES_PER_MINUTE``
    times this minute. Recorded per address and minute (``audit.refusals``): the first failure is an
    event at once, the others one aggregated event with their count — a junk-token flood cannot
    flood the audit log."""
    address = context.current().client_ip
    failures = refusals.note(key=f"{TOKEN_AUTHENTICATE}:ip:{address}", action=TOKEN_AUTHENTICATE,
                             actor=policy.ANONYMOUS, outcome=Outcome.FAILED, reason=reason, sample=prefix,
                             target_type="api.apitoken", target_id=prefix, details={"path": request.path[:200]})
    if failures > settings.AUTH_FAILURES_PER_MINUTE:
        from .errors import Throttled

        raise Throttled(refusals.retry_after())
    raise AuthenticationError()


def bearer_token(request):
    """The live token in ``Authorization: Bearer …``; None without one; AuthenticationError for a bad one."""
    scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    token, reason = selectors.token_for_bearer(value.strip())
    if token is None:
        auth_failed(request, reason=reason, prefix=value.strip()[3:11] if reason != "malformed" else "")
    services.token_touch(token)
    return token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer fj_…``. A wrong, revoked or expired token is refused outright (401),
    it never falls back to the session."""

    def __init__(self, rule: RouteRule = SIGNED_IN):
        self.rule = rule
        super().__init__()

    def __call__(self, request):
        token = bearer_token(request)
        if token is None:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request, token):
        account = token.account
        actor = policy.actor_for(account)
        if not from_admin_network(request) and mfa.actor_needs_second_factor(actor):
            # an administrator's token is bound to the administrators' terminals like its login (等保 8.1.4.4 c)
            raise AccessDenied(ADMIN_TERMINAL_DENIED, rule="admin_terminal", action=self.rule.action or "")
        return authorize(request, account, self.rule, via="token", actor=actor)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session. Unsafe methods must carry the CSRF token, as on every console form."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, rule: RouteRule = SIGNED_IN):
        self.rule = rule
        super().__init__(csrf=True)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return self.authenticate(request, self._get_key(request))

    def _get_key(self, request):
        from .errors import CsrfFailed

        if check_csrf(request):
            raise CsrfFailed()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        return authorize(request, request.user, self.rule, via="session")


def auth_for(rule: RouteRule) -> list | None:
    """The authentication an operation with ``rule`` runs: none when public, else token then session."""
    if rule.public:
        return None
    return [TokenAuth(rule), SessionAuth(rule)]

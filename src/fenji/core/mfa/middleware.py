"""A session that never passed the second factor ends as soon as its account holds an administrator duty.

Logins of administrators only start a session after the TOTP (``people.authentication``). This covers
the other way in: a staff member signed in with the password alone who is granted an administrator
role while the session lives. The session is ended (audited) and the account signs in again, this
time with the second factor. Sessions that passed it carry ``SESSION_SECOND_FACTOR`` and cost nothing.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record

from .services import SESSION_SECOND_FACTOR, actor_needs_second_factor

ALWAYS_ALLOWED_PREFIXES = ("/static/", "/logout/", "/m/logout/", "/healthz")
ENDED_MESSAGE = "您的账号已具有管理员职责，须通过动态口令验证，请重新登录"


class SecondFactorMiddleware:
    """After ``ActorMiddleware``: reads ``request.actor`` (loaded once per request anyway)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._enforce(request) or self.get_response(request)

    def _enforce(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.session.get(SESSION_SECOND_FACTOR):
            return None
        if request.path.startswith(ALWAYS_ALLOWED_PREFIXES) or not actor_needs_second_factor(request.actor):
            return None
        audit_record(actor=request.actor, action="people.session.end", outcome=Outcome.DENIED, target=user,
                     details={"rule": "second_factor_required", "path": request.path})
        logout(request)
        if request.path.startswith("/api/"):
            return None  # the API answers the now anonymous request with its 401 envelope
        messages.warning(request, ENDED_MESSAGE)
        return redirect("people:mobile_login" if request.path.startswith("/m/") else "people:login")

"""Session rules that hold on every request: idle and absolute lifetime, channel per account kind, forced
password change."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import DatabaseError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from fenji.core.api.errors import error_response

from .authentication import SESSION_LOGIN_AT
from .models import Account
from .services import password_expired

ALWAYS_ALLOWED_PREFIXES = ("/static/", "/logout/", "/m/logout/", "/healthz")
API_PREFIX = "/api/"
# When the session was last written (seconds since the epoch): its row then expires SESSION_COOKIE_AGE later.
SESSION_RENEWED_AT = "fenji_renewed_at"
RENEW_AFTER_SECONDS = 60


def renew_idle_timeout(request) -> None:
    """Slide the idle timeout (``SESSION_COOKIE_AGE``) without writing the session on every request.

    The session row expires ``SESSION_COOKIE_AGE`` after it was last written. It is written again (marked
    modified) only when less than ``SESSION_COOKIE_AGE - RENEW_AFTER_SECONDS`` remain, i.e. at most once a
    minute: an idle session then ends at most a minute *earlier* than exactly 30 minutes after its last
    request, never later. The stamp is only ever older than the real last write (it is set just before
    the write), so the expiry can only come earlier. An empty session (anonymous, logged out, expired) is
    never written.
    """
    session = getattr(request, "session", None)
    if session is None or session.is_empty():  # no cookie and nothing stored (does not load the session)
        return
    renewed_at = session.get(SESSION_RENEWED_AT, 0)  # loads it: the key of an expired session is dropped
    if session.is_empty():
        return
    now = time.time()
    # A tenth of the idle time when that is shorter (FENJI_SESSION_IDLE_MINUTES=1): it still slides.
    if session.modified or now - renewed_at > min(RENEW_AFTER_SECONDS, settings.SESSION_COOKIE_AGE / 10):
        session[SESSION_RENEWED_AT] = now


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._enforce(request) or self.get_response(request)
        renew_idle_timeout(request)
        return response

    def _enforce(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(ALWAYS_ALLOWED_PREFIXES):
            return None
        mobile = request.path.startswith("/m/")
        api = request.path.startswith(API_PREFIX)
        login_at = request.session.get(SESSION_LOGIN_AT, 0)
        if time.time() - login_at > settings.SESSION_ABSOLUTE_SECONDS:
            logout(request)
            if api:
                return None  # the API answers the now anonymous request with its 401 envelope
            messages.warning(request, "登录已超过最长时限，请重新登录")
            return redirect("people:mobile_login" if mobile else "people:login")
        if api:
            # The API answers in JSON, never with a redirect. Mobile-only accounts pass: the API's own
            # route declarations confine them to their own profile (fenji.core.api.auth).
            if password_expired(user):
                return error_response(403, "password_change_required", "请先在网页上修改密码，然后再使用接口")
            return None
        if user.mobile_only and not mobile:
            return redirect("people:mobile_home")
        if password_expired(user):
            target = reverse("people:mobile_password" if mobile else "people:password")
            if request.path != target:
                return redirect(target)
        return None


class ReadYourWritesMiddleware:
    """With read replicas (ADR 0024): after a successful unsafe request, stamp the caller's account
    (``Account.wrote_at``, on the primary) so that ``kernel.replicas`` keeps its reads on the primary for
    ``READ_YOUR_WRITES_SECONDS``. The stamp rides on the account, so it holds for the session and for API tokens
    alike and in every server process; it is read with the account in the identity query, at no extra cost.
    At most one stamp a second per account; none at all without replicas."""

    SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in self.SAFE_METHODS or response.status_code >= 400 or not settings.REPLICA_DATABASES:
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        now = timezone.now()
        if user.wrote_at is not None and (now - user.wrote_at).total_seconds() < 1:
            return response
        try:
            Account.objects.unscoped(reason="read-your-writes stamp").filter(pk=user.pk).update(wrote_at=now)
            user.wrote_at = now
        except DatabaseError as error:  # the write itself succeeded; a missing stamp only risks a stale read
            logging.getLogger("fenji.replicas").warning("read-your-writes stamp not written: %s", error)
        return response

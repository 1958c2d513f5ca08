"""Session rules that hold on every request: absolute lifetime, channel per account kind, forced password change."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from fenji.core.api.errors import error_response

from .authentication import SESSION_LOGIN_AT
from .services import password_expired

ALWAYS_ALLOWED_PREFIXES = ("/static/", "/logout/", "/m/logout/", "/healthz")
API_PREFIX = "/api/"


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._enforce(request)
        return response or self.get_response(request)

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

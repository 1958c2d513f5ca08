"""Session rules that hold on every request: absolute lifetime, channel per account kind, forced password change."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .authentication import SESSION_LOGIN_AT
from .services import password_expired

ALWAYS_ALLOWED_PREFIXES = ("/static/", "/logout/", "/m/logout/", "/healthz")


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
        login_at = request.session.get(SESSION_LOGIN_AT, 0)
        if time.time() - login_at > settings.SESSION_ABSOLUTE_SECONDS:
            logout(request)
            messages.warning(request, "登录已超过最长时限，请重新登录")
            return redirect("people:mobile_login" if mobile else "people:login")
        if user.mobile_only and not mobile:
            return redirect("people:mobile_home")
        if password_expired(user):
            target = reverse("people:mobile_password" if mobile else "people:password")
            if request.path != target:
                return redirect(target)
        return None

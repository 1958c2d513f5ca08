"""Deny by default at routing: every view declares its action, or that it is public.

``tests/test_routes.py`` walks the URL resolver and fails on any view without a declaration.
Row-level scope is decided after this by the selectors (out-of-scope rows answer 404).
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from fenji.core.access import policy
from fenji.core.kernel.errors import AccessDenied
from fenji.core.kernel.routes import ATTRIBUTE, RouteRule, rule_of
from fenji.core.kernel.routes import mark as _mark


def public(view):
    """Reachable without signing in (login pages, health check)."""
    return _mark(view, RouteRule(public=True, channel="any"))


def _guard(rule: RouteRule):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                login_url = reverse("people:mobile_login" if rule.channel == "mobile" else "people:login")
                return redirect_to_login(request.get_full_path(), login_url)
            if rule.action is not None and not policy.can(request.actor, rule.action):
                policy.require(request.actor, rule.action)  # raises AccessDenied naming the rule
            return view(request, *args, **kwargs)

        return _mark(wrapped, rule)

    return decorator


def signed_in(view=None, *, channel: str = "console"):
    """Any signed-in account (its own profile, its own password)."""
    decorator = _guard(RouteRule(channel=channel))
    return decorator(view) if view is not None else decorator


def requires(action: str, *, channel: str = "console"):
    """Signed in and holding ``action`` somewhere; which rows it reaches is up to the selectors."""
    return _guard(RouteRule(action=action, channel=channel))


__all__ = ["ATTRIBUTE", "AccessDenied", "RouteRule", "public", "requires", "rule_of", "signed_in"]

"""Security headers for every response: a Content-Security-Policy that allows nothing off the host, and
``Cache-Control: no-store`` on everything that belongs to a signed-in user or a session, and on the API."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # inline style attributes in a few templates and the QR code SVG
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", getattr(settings, "CONTENT_SECURITY_POLICY", POLICY))
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if is_private(request):
            # Neither the browser (its back button, a shared computer) nor a proxy keeps a copy.
            add_never_cache_headers(response)
        return response


def is_private(request) -> bool:
    """An API response, or one to a request with a signed-in user or a session (a pending second factor)."""
    if request.path.startswith(API_PREFIX):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    return session is not None and not session.is_empty()

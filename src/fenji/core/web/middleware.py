from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from fenji.core.audit import ratelimits, refusals
from fenji.core.audit.transactions import record_denial
from fenji.core.kernel import context
from fenji.core.kernel.errors import AccessDenied, NotVisible, RateLimited


def _error_template(request) -> str:
    return "web/mobile_error.html" if request.path.startswith("/m/") else "web/error.html"


def throttled_page(request, limited: RateLimited):
    """429 with ``Retry-After`` and the limit's Chinese message (without the menu's to-do counts, like every
    refusal's page)."""
    request.error_page = True
    response = render(request, _error_template(request), {"title": "请求过于频繁", "message": limited.message},
                      status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


class DomainErrorMiddleware:
    """Turns refusals into pages: AccessDenied → 403 (recorded), NotVisible → 404 like a missing row
    (recorded too, counted per actor and minute: ``audit.refusals.scope_miss``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        template = _error_template(request)
        # a refusal's page keeps the menu but not its to-do counts: a scan of ids is answered without running
        # every to-do query of the actor once per probe
        request.error_page = True
        if isinstance(exception, AccessDenied):
            # Services record their refusals themselves; route-level refusals are recorded here.
            record_denial(actor=request.actor, denial=exception, path=request.path, method=request.method)
            return render(request, template, {"title": "无权访问", "message": exception.message}, status=403)
        if isinstance(exception, RateLimited):
            return throttled_page(request, exception)
        if isinstance(exception, NotVisible):
            refusals.scope_miss(actor=getattr(request, "actor", None), miss=exception, path=request.path,
                                method=request.method)
            return render(request, template, {"title": "未找到", "message": exception.message}, status=404)
        return None


class ExportLimitMiddleware:
    """Counts each Excel export of a list (``?format=xlsx`` on a page) per account and client address
    (``audit.ratelimits``, action ``export``); beyond the limit the export is answered 429 with ``Retry-After``,
    before the view reads anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method != "GET" or request.GET.get("format") != "xlsx" or not request.user.is_authenticated:
            return None
        try:
            ratelimits.hit("export", account=request.user.pk, ip=context.current().client_ip)
        except RateLimited as limited:
            return throttled_page(request, limited)
        return None


class LanguageMiddleware:
    """Chinese unless the person chose otherwise (a cookie set by ``web:language``).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: a government console
    opened in an English-language browser still speaks Chinese, as its users expect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: the thread goes back to its language after it, so nothing that runs on the
        # same thread later (a task, the next request before its own choice) speaks this person's language.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

"""One JSON error envelope for every refusal and failure, with the message in Chinese:

    {"error": {"code": "denied", "message": "您没有“开设账号”的权限", "field": null, ...}}

``code`` is stable for programs, ``message`` is for people, ``field`` names the offending input when
there is one. Denials add ``rule``; validation errors add ``details``; server errors add ``request_id``.
"""

import logging

from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure
from ninja.errors import AuthenticationError, HttpError, ValidationError

from fenji.core.audit import refusals
from fenji.core.audit.transactions import record_denial
from fenji.core.kernel import context, outage
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible, RateLimited, envelope

from .schemas import CONTROL_CHARACTER

logger = logging.getLogger("fenji.api")

UNAUTHENTICATED = "请先登录或提供有效的接口令牌"
INVALID_REQUEST = "请求参数不正确"
NOT_FOUND = "记录不存在"
SERVER_ERROR = "服务器内部错误，请稍后重试"
CSRF_FAILED = "CSRF 校验失败：请刷新页面后重试（浏览器会话的写操作须携带 X-CSRFToken），或改用接口令牌"

HTTP_MESSAGES = {
    400: ("invalid", "请求无效"),
    401: ("unauthenticated", UNAUTHENTICATED),
    403: ("forbidden", "无权访问"),
    404: ("not_found", NOT_FOUND),
    405: ("method_not_allowed", "不支持该请求方法"),
    429: ("throttled", "请求过于频繁，请稍后再试"),
}


class CsrfFailed(HttpError):
    code = "csrf_failed"

    def __init__(self):
        super().__init__(403, CSRF_FAILED)


class Throttled(HttpError):
    """Too many failed authentications from this client address this minute: 429 with ``Retry-After``."""

    code = "throttled"

    def __init__(self, retry_after: int):
        super().__init__(429, HTTP_MESSAGES[429][1])
        self.retry_after = retry_after


def error_response(status: int, code: str, message: str, *, field: str | None = None, **extra) -> JsonResponse:
    """The envelope as a plain Django response, for code that answers outside an API operation."""
    return JsonResponse(envelope(code, message, field=field, **extra), status=status,
                        json_dumps_params={"ensure_ascii": False})


def csrf_failure(request, reason: str = ""):
    """``CSRF_FAILURE_VIEW``: under ``/api/`` the envelope (403 ``csrf_failed``), elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return error_response(403, CsrfFailed.code, CSRF_FAILED)
    return django_csrf_failure(request, reason=reason)


def _field_of(errors: list[dict]) -> str | None:
    """The first offending input's name (``["body", "payload", "mobile"]`` → ``"mobile"``)."""
    for error in errors:
        names = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        if len(names) > 1:
            return names[-1]
    return None


def install(api) -> None:
    """Register the envelope for every exception an operation can raise."""

    def respond(request, status: int, body: dict):
        return api.create_response(request, body, status=status)

    def domain_error(request, exc: DomainError):
        return respond(request, 400, envelope(exc.code, exc.message, field=exc.field))

    def access_denied(request, exc: AccessDenied):
        # Services record their own refusals (once, after rolling back); route-level ones are recorded here.
        record_denial(actor=getattr(request, "actor", None), denial=exc, path=request.path, method=request.method)
        return respond(request, 403, envelope("denied", exc.message, field=exc.field, rule=exc.rule))

    def not_visible(request, exc: NotVisible):
        # The same answer as for a row that does not exist: out of scope reveals nothing. The attempt is
        # recorded, counted per actor and minute so that a scan cannot flood the log.
        refusals.scope_miss(actor=getattr(request, "actor", None), miss=exc, path=request.path,
                            method=request.method)
        return respond(request, 404, envelope("not_found", exc.message))

    def http_404(request, exc: Http404):
        return respond(request, 404, envelope("not_found", NOT_FOUND))

    def validation_error(request, exc: ValidationError):
        details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                   for e in exc.errors]
        # a control character is named in the message ("“name”含有不允许的控制字符"), not only in the details
        control = [e for e in exc.errors if e.get("type") == CONTROL_CHARACTER]
        message = control[0].get("msg", INVALID_REQUEST) if control else INVALID_REQUEST
        return respond(request, 422, envelope("invalid_request", message, field=_field_of(control or exc.errors),
                                              details=details))

    def authentication_error(request, exc: AuthenticationError):
        response = respond(request, 401, envelope("unauthenticated", UNAUTHENTICATED))
        response["WWW-Authenticate"] = 'Bearer realm="fenji"'
        return response

    def http_error(request, exc: HttpError):
        code, message = HTTP_MESSAGES.get(exc.status_code, ("error", "请求失败"))
        code = getattr(exc, "code", code)
        if isinstance(exc, CsrfFailed):
            message = exc.message
        response = respond(request, exc.status_code, envelope(code, message))
        if isinstance(exc, Throttled):
            response["Retry-After"] = str(exc.retry_after)
        return response

    def rate_limited(request, exc: RateLimited):
        response = respond(request, 429, envelope("throttled", exc.message))
        response["Retry-After"] = str(exc.retry_after)
        return response

    def server_error(request, exc: Exception):
        request_id = context.current().request_id
        if outage.is_outage(exc):
            # an error that only met the outage on its way (pydantic's, say) keeps its traceback in the log
            direct = isinstance(exc, (OperationalError, InterfaceError))
            logger.warning("API %s %s: database unavailable (request %s): %s", request.method, request.path,
                           request_id, exc, exc_info=None if direct else exc)
            outage.discard_broken_connections()
            response = respond(request, 503, envelope("unavailable", outage.MESSAGE, request_id=request_id))
            response["Retry-After"] = str(outage.RETRY_AFTER)
            return response
        logger.error("API %s %s failed (request %s)", request.method, request.path, request_id, exc_info=exc)
        return respond(request, 500, envelope("server_error", SERVER_ERROR, request_id=request_id))

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(AccessDenied, access_denied)
    api.add_exception_handler(NotVisible, not_visible)
    api.add_exception_handler(RateLimited, rate_limited)
    api.add_exception_handler(Http404, http_404)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Exception, server_error)

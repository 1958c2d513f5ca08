from . import context
from .network import client_address


class RequestContextMiddleware:
    """Sets the client address and a request id for the duration of one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "mobile" if request.path.startswith("/m/") else "console"
        if request.path.startswith("/api/"):
            channel = "api"
        ctx = context.RequestContext(
            client_ip=client_address(request),
            request_id=request.headers.get("X-Request-Id", "")[:64] or context.RequestContext().request_id,
            channel=channel,
        )
        token = context.activate(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-Id"] = ctx.request_id
        return response

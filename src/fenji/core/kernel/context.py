"""Per-request facts (client address, request id) that audit records need, without passing request around."""

import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    client_ip: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    channel: str = "cli"


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("fenji_request_context")


def current() -> RequestContext:
    try:
        return _current.get()
    except LookupError:
        return RequestContext()


def activate(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)

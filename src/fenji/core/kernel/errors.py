"""Errors that services raise and adapters (views, API, CLI) turn into clear messages.

Two families, answered differently everywhere:

- ``DomainError``: a rule of the operation refused the input (a duplicate number, a date in the past).
  The message goes back onto the form (status 200), into the API envelope (400) or the command's error.
- ``Refusal``: the actor may not do this (``AccessDenied``, a 403 page / envelope) or may not see the row
  (``NotVisible``, a 404 like a missing row). Refusals are never caught into a form: they reach the web
  middleware or the API's handlers, which answer and record them. ``except DomainError`` does not catch
  them.
"""


class DomainError(Exception):
    """A rule refused the operation; ``message`` is shown to the user as it is (in Chinese)."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class Refusal(Exception):
    """The actor may not do or see this: answered with a 403/404 page or envelope, never a form error."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "denied"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class AccessDenied(Refusal):
    """The actor may not do this; ``rule`` names which rule refused it. Every denial is audited once."""

    def __init__(self, message: str, *, rule: str, action: str = "", field: str | None = None):
        super().__init__(message, code="denied", field=field)
        self.rule = rule
        self.action = action
        self.recorded = False


class NotVisible(Refusal):
    """The row is outside the actor's scope: adapters answer exactly as for a missing row (404).

    What was looked for goes to the audit log only (``audit.refusals.scope_miss``), never to the user:
    ``target_type`` (the model's ``app.model`` label) and ``target_id``, and ``exists`` when the selector
    already knows whether the row exists (out of scope) or not (missing); None lets the recorder check.
    """

    def __init__(self, message: str = "记录不存在", *, target_type: str = "", target_id=None,
                 exists: bool | None = None):
        super().__init__(message, code="not_found")
        self.target_type = target_type
        self.target_id = "" if target_id is None else str(target_id)[:64]
        self.exists = exists


class ReferredRefusal(DomainError):
    """A rule refused the input, and someone else must follow up (e.g. a number that belongs to an account the actor may
    not see, referred to the administrators who see both). It is a ``DomainError``, not a ``Refusal``: the
    actor may do the operation, only not with this input, so the message goes onto the form field.
    ``refer()`` runs once, after the outermost
    service has rolled back (``audit.transactions.service``), so what it writes is kept."""

    def __init__(self, message: str, *, refer, field: str | None = None, code: str = "invalid"):
        super().__init__(message, field=field, code=code)
        self.refer = refer
        self.referred = False


def reason_against(check, /, **kwargs) -> str:
    """What ``check`` (a service's ``<service>_check``) says against the operation, in Chinese, or ""
    when the service would accept it. Pages show or hide an action with it; nothing is recorded."""
    try:
        check(**kwargs)
    except (DomainError, Refusal) as error:
        return error.message
    return ""


class RateLimited(Refusal):
    """Too many requests of one kind by one account, client address or number in the current window:
    answered 429 with ``Retry-After`` (``retry_after`` seconds) by the web middleware and the API."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="throttled")
        self.retry_after = max(1, int(retry_after))


def envelope(code: str, message: str, *, field: str | None = None, **extra) -> dict:
    """The API's error envelope (``api.errors``), also answered by ``web.errors`` for a path under ``/api/``."""
    return {"error": {"code": code, "message": message, "field": field, **extra}}

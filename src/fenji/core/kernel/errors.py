"""Errors that services raise and adapters (views, API, CLI) turn into clear messages."""


class DomainError(Exception):
    """A rule refused the operation; ``message`` is shown to the user as it is (in Chinese)."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class AccessDenied(DomainError):
    """The actor may not do this; ``rule`` names which rule refused it. Every denial is audited once."""

    def __init__(self, message: str, *, rule: str, action: str = "", field: str | None = None):
        super().__init__(message, code="denied", field=field)
        self.rule = rule
        self.action = action
        self.recorded = False


class NotVisible(DomainError):
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
    """A refusal someone else must follow up (e.g. a number that belongs to an account the actor may
    not see, referred to the administrators who see both). ``refer()`` runs once, after the outermost
    service has rolled back (``audit.transactions.service``), so what it writes is kept."""

    def __init__(self, message: str, *, refer, field: str | None = None, code: str = "invalid"):
        super().__init__(message, field=field, code=code)
        self.refer = refer
        self.referred = False

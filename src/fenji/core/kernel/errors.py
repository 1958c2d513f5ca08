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
    """The row is outside the actor's scope: adapters answer exactly as for a missing row (404)."""

    def __init__(self, message: str = "记录不存在"):
        super().__init__(message, code="not_found")


class ReferredRefusal(DomainError):
    """A refusal someone else must follow up (e.g. a number that belongs to an account the actor may
    not see, referred to the administrators who see both). ``refer()`` runs once, after the outermost
    service has rolled back (``audit.transactions.service``), so what it writes is kept."""

    def __init__(self, message: str, *, refer, field: str | None = None, code: str = "invalid"):
        super().__init__(message, field=field, code=code)
        self.refer = refer
        self.referred = False

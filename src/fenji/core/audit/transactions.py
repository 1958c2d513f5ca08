"""``@service``: the transaction every write service runs in, with its refusals kept on record.

A refusal (``AccessDenied``) rolls the service's transaction back — and with it anything written
inside. The denial event is therefore written after the outermost service has rolled back, once; so
is the follow-up of a ``ReferredRefusal`` (a message to whoever must look into it).

Every decorated function is recorded in ``SERVICES`` (by its dotted name), so that a test can require
an audit-coverage case for each; ``calls()`` lists the services run inside a ``with`` block.
"""

import contextlib
import contextvars
import functools

from django.db import transaction

from fenji.core.kernel.errors import AccessDenied, ReferredRefusal

from .models import Outcome
from .services import audit_record

_depth = contextvars.ContextVar("fenji_service_depth", default=0)
_calls = contextvars.ContextVar("fenji_service_calls", default=None)

SERVICES: dict[str, object] = {}  # "fenji.core.org.services.unit_create" -> the decorated service


def service_name(function) -> str:
    return f"{function.__module__}.{function.__qualname__}"


@contextlib.contextmanager
def calls():
    """``with calls() as names:`` — the dotted names of the services run inside the block, nested ones too."""
    names: list[str] = []
    token = _calls.set(names)
    try:
        yield names
    finally:
        _calls.reset(token)


def record_denial(*, actor, denial: AccessDenied, **details) -> None:
    if denial.recorded:
        return
    audit_record(actor=actor, action=denial.action or "access.denied", outcome=Outcome.DENIED,
                 details={"rule": denial.rule, "message": denial.message, **details})
    denial.recorded = True


def service(function):
    name = service_name(function)

    @functools.wraps(function)
    def run(*args, **kwargs):
        watching = _calls.get()
        if watching is not None:
            watching.append(name)
        token = _depth.set(_depth.get() + 1)
        try:
            with transaction.atomic():
                return function(*args, **kwargs)
        except AccessDenied as denial:
            if _depth.get() == 1:
                record_denial(actor=kwargs.get("actor"), denial=denial)
            raise
        except ReferredRefusal as refusal:
            if _depth.get() == 1 and not refusal.referred:
                refusal.referred = True
                with transaction.atomic():
                    refusal.refer()
            raise
        finally:
            _depth.reset(token)

    SERVICES[name] = run
    return run

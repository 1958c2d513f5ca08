"""Helpers to show service errors (DomainError) on the form field they belong to."""

from fenji.core.kernel.errors import DomainError


def add_domain_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)

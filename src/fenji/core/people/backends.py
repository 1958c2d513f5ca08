from django.contrib.auth.backends import ModelBackend

from fenji.core.kernel import crypto
from fenji.core.kernel.errors import DomainError

from .identity import clean_mobile
from .signed_in import signed_in_account


class AccountBackend(ModelBackend):
    """Django's model backend, reading accounts through the fail-closed manager explicitly."""

    def get_user(self, user_id):
        """The session's account, read with its person, unit and live grants in one query (``signed_in``);
        Django then checks the session's hash against its password and security stamp as before."""
        account = signed_in_account(user_id)
        return account if account is not None and self.user_can_authenticate(account) else None


def axes_username(request, credentials=None) -> str | None:
    """What django-axes counts failures by and stores: the blind index of the submitted mobile number.

    Lockout stays per account (ADR 0004) — the same number always gives the same hash, however it
    was typed — while axes' tables never hold a phone number.
    """
    source = credentials if credentials else getattr(request, "POST", {})
    raw = (source.get("mobile") or source.get("username") or "").strip()
    if not raw:
        return None
    try:
        raw = clean_mobile(raw)
    except DomainError:
        pass  # not a mobile number: still counted, under its own hash
    return crypto.blind_index(raw)

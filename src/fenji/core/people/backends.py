from django.contrib.auth.backends import ModelBackend

from fenji.core.kernel import crypto
from fenji.core.kernel.errors import DomainError

from .identity import clean_mobile
from .models import Account


class AccountBackend(ModelBackend):
    """Django's model backend, reading accounts through the fail-closed manager explicitly."""

    def get_user(self, user_id):
        account = (Account.objects.unscoped(reason="the session names its own account")
                   .select_related("person", "unit").filter(pk=user_id).first())
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

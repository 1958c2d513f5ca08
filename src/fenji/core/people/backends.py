from django.contrib.auth.backends import ModelBackend

from .models import Account


class AccountBackend(ModelBackend):
    """Django's model backend, reading accounts through the fail-closed manager explicitly."""

    def get_user(self, user_id):
        account = (Account.objects.unscoped(reason="the session names its own account")
                   .select_related("person", "unit").filter(pk=user_id).first())
        return account if account is not None and self.user_can_authenticate(account) else None

"""Who a queued Excel import runs as (``kernel.xlsx.jobs``): the account that uploaded it, with its grants as they are
now, and the unit it imports into — each import's ``run_job`` starts here."""

from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError
from fenji.core.org.models import Unit

from .models import Account


def import_uploader(job):
    """``(actor, unit)`` of ``job``; refused when the account is gone or deactivated, or the unit gone: nothing is
    imported then, and the job says why."""
    account = Account.objects.unscoped(reason="the account that queued an import").filter(pk=job.account_id).first()
    unit = Unit.objects.filter(pk=job.unit_id).first()
    if account is None or unit is None or not account.is_active:
        raise DomainError(_("导入的账号或默认单位已不存在，未导入"), code="gone")
    return policy.actor_for(account), unit

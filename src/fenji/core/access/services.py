"""Writes to grants. Until the delegated-administration rules land, only the platform itself
(bootstrap: ``createadmin`` and ``demo``) grants; every grant is audited."""

from django.db import transaction

from fenji.core.audit.services import audit_record
from fenji.core.kernel.errors import AccessDenied, DomainError

from . import permissions as perms
from . import policy
from .models import Grant, Reach
from .roles import ROLES


@transaction.atomic
def grant_create(*, actor, account, role: str, unit, reach: str = Reach.SUBTREE) -> Grant:
    if actor is not policy.SYSTEM:
        raise AccessDenied("授权须由安全保密管理员办理", rule="grant_bootstrap_only", action=perms.GRANT_CREATE)
    if role not in ROLES:
        raise DomainError(f"未知角色：{role}", field="role")
    if reach not in Reach.values:
        raise DomainError("授权范围无效", field="reach")
    grant, created = Grant.objects.get_or_create(
        account=account, role=role, unit=unit, revoked_at=None,
        defaults={"unit_path": unit.path, "reach": reach},
    )
    if created:
        audit_record(actor=actor, action=perms.GRANT_CREATE, target=grant,
                     details={"account": account.pk, "role": role, "unit": unit.name, "reach": reach})
    return grant

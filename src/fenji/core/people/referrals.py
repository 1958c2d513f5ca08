"""Number clashes across scopes: a mobile or ID number already used by an account the actor may not
see is refused without saying so (``services``, ``member_import``), and referred here to the account
administrators whose scope covers both units, as an in-app message with a link to the account."""

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.notify.services import message_send

from . import permissions as perms
from .models import Account, AccountStatus


def referral_recipients(*, unit_paths, exclude=None) -> list[Account]:
    """Active account administrators (``people.account.open``) whose scope covers every one of
    ``unit_paths``: the people who can see both sides of a number clash."""
    ids = None
    for path in unit_paths:
        holders = set(policy.grants_giving(perms.ACCOUNT_OPEN, path).values_list("account_id", flat=True))
        ids = holders if ids is None else ids & holders
    ids = (ids or set()) - {exclude}
    return list(Account.objects.unscoped(reason="the administrators over both units of a number clash")
                .filter(pk__in=ids, status=AccountStatus.ACTIVE).select_related("person").order_by("pk"))


def refer_duplicate(*, actor, unit, existing: Account, field: str) -> int:
    """Tell the account administrators who see both ``unit`` and ``existing``'s unit that the actor,
    who may not see ``existing``, tried to use its number there. One message per administrator, account,
    unit and day. Returns how many were sent."""
    number = existing.mobile_masked if field == "mobile" else existing.person.id_number_masked
    what = "手机号码" if field == "mobile" else "身份证号码"
    sent = 0
    day = timezone.localdate().isoformat()
    for recipient in referral_recipients(unit_paths=[unit.path, existing.unit_path], exclude=actor.account_id):
        message = message_send(
            recipient=recipient, title=f"开户核实：{what} {number} 已在“{existing.unit.name}”开户",
            body=(f"{actor.label}在“{unit.name}”使用该{what}开户或变更号码，被拒绝（对方看不到已有账号"
                  f" {existing.display_label}）。请核实是否同一人，必要时调整其所在单位或号码。"),
            link=f"/people/accounts/{existing.pk}/", kind="people.account.duplicate",
            dedupe_key=f"people.duplicate.{field}.{existing.pk}.{unit.pk}.{day}")
        sent += message is not None
    return sent

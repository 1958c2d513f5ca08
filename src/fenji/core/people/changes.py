"""Changes to who an account is and where it belongs: correcting a person's name or ID number, and moving an
account to another unit (the module issues build their transfers on this one)."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from fenji.core.access import policy
from fenji.core.access.services import grant_revoke
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import control_error

from . import permissions as perms
from .identity import mask_id_number, parse_id_number
from .models import Account, AccountStatus, Person
from .services import DUPLICATE_ELSEWHERE_CHANGE, _check_unique, unrevoked_grants

NAME_MAX = 50
REASON_MAX = 200


@service
def person_correct(*, actor, account: Account, real_name: str, id_number: str) -> Person:
    """Correct the name or the ID number of an account's person (a typing error, a changed name). The ID
    number stays unique platform-wide; gender and birth date are derived again from it. Before and after
    are audited (the ID number masked)."""
    policy.require(actor, perms.ACCOUNT_UPDATE, account.unit_path)
    real_name = (real_name or "").strip()
    if not real_name:
        raise DomainError("请填写姓名", field="real_name")
    if len(real_name) > NAME_MAX:
        raise DomainError(f"姓名不能超过 {NAME_MAX} 个字", field="real_name")
    if error := control_error(real_name, label="姓名"):
        raise DomainError(error, field="real_name")
    person = Person.objects.select_for_update().get(pk=account.person_id)
    identity = parse_id_number(id_number) if (id_number or "").strip() else None  # empty: unchanged
    new_number = identity.number if identity else person.id_number
    if real_name == person.real_name and new_number == person.id_number:
        raise DomainError("姓名和身份证号码均未改变")
    changes = {}
    if real_name != person.real_name:
        changes["real_name"] = {"before": person.real_name, "after": real_name}
        person.real_name = real_name
    if new_number != person.id_number:
        _check_unique(actor=actor, unit=account.unit, id_number=new_number, mobile=account.mobile,
                      exclude_account=account, elsewhere=DUPLICATE_ELSEWHERE_CHANGE)
        changes["id_number"] = {"before": mask_id_number(person.id_number or ""), "after": mask_id_number(new_number)}
        if identity.gender != person.gender:
            changes["gender"] = {"before": person.gender, "after": identity.gender}
        if identity.birth_date != person.birth_date:
            changes["birth_date"] = {"before": str(person.birth_date or ""), "after": str(identity.birth_date or "")}
        person.id_number, person.gender, person.birth_date = new_number, identity.gender, identity.birth_date
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # another clerk took the number between the check and the write
        raise DomainError(DUPLICATE_ELSEWHERE_CHANGE.format(what="身份证号码"), field="id_number") from None
    audit_record(actor=actor, action="people.person.correct", target=account, details={"changes": changes})
    return person


@dataclass
class Moved:
    account: Account
    from_unit: object
    grants_ended: list = field(default_factory=list)

    @property
    def summary(self) -> str:
        ended = "、".join(f"{g.role_label}（{g.unit.name}）" for g in self.grants_ended)
        text = f"已将{self.account.person.real_name}从“{self.from_unit.name}”调至“{self.account.unit.name}”"
        return text + (f"，结束原单位业务授权 {len(self.grants_ended)} 项：{ended}" if ended else "")


def account_move_check(*, actor, account: Account, unit) -> list:
    """What moving ``account`` to ``unit`` would end (its business grants), or the reason it may not move."""
    policy.require(actor, perms.ACCOUNT_UPDATE, account.unit_path)
    policy.require(actor, perms.ACCOUNT_UPDATE, unit.path)
    if unit.pk == account.unit_id:
        raise DomainError("新单位与原单位相同", field="unit")
    if not unit.is_active:
        raise DomainError(f"“{unit.name}”已撤销，不能调入", field="unit")
    if account.status != AccountStatus.ACTIVE:
        raise DomainError("账号已停用，不能调动：请先启用")
    if account.pk == actor.account_id:
        raise DomainError("不能调动本人的账号，请由其他管理员办理")
    business, admin = unrevoked_grants(account)
    if admin:
        roles = "、".join(sorted({g.role_label for g in admin}))
        raise DomainError(f"该账号仍有管理员权限（{roles}），须先通过管理员账户权限申请撤销后再调动")
    return business


@service
def account_move(*, actor, account: Account, unit, reason: str) -> Moved:
    """Move an account to another unit, checked in scope at both ends. Its business grants end (named in the
    result and the audit); the account ledger shows the move."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写调动原因", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"原因不能超过 {REASON_MAX} 个字", field="reason")
    account = (Account.objects.unscoped(reason="the account was found in scope").select_for_update()
               .select_related("person", "unit").get(pk=account.pk))
    business = account_move_check(actor=actor, account=account, unit=unit)
    moved = Moved(account=account, from_unit=account.unit)
    # The platform ends them by rule (the account administrator holds no grant duty, 三员), naming the move.
    moved.grants_ended = [grant_revoke(actor=policy.SYSTEM, grant=g, reason=f"调至{unit.name}：{reason}"[:200])
                          for g in business]
    account.unit, account.unit_path = unit, unit.path
    account.save(update_fields=["unit", "unit_path"])
    audit_record(actor=actor, action="people.account.move", target=account, details={
        "from_unit": moved.from_unit.name, "to_unit": unit.name, "reason": reason,
        "grants_ended": [f"{g.role_label}（{g.unit.name}）" for g in moved.grants_ended],
        "unit": {"before": moved.from_unit.name, "after": unit.name},
    })
    return moved

"""Batch actions on the account list's selected rows: disable them, export them. A selection that holds a
row outside the actor's scope (or a missing one) is refused whole, naming those rows by the ids sent;
nothing is half done."""

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.web.excel import ExcelSheet

from . import permissions as perms
from .models import Account, AccountStatus
from .selectors import account_list
from .services import account_set_status

BATCH_MAX = 500


def accounts_selected(*, actor, ids, action: str) -> list[Account]:
    """The selected accounts, all of them within the actor's scope for ``action``, else a refusal of the batch."""
    wanted = list(dict.fromkeys(int(pk) for pk in ids))
    if not wanted:
        raise DomainError("请先勾选账号")
    if len(wanted) > BATCH_MAX:
        raise DomainError(f"一次最多处理 {BATCH_MAX} 个账号")
    found = {a.pk: a for a in account_list(actor=actor, action=action).filter(pk__in=wanted)
             .select_related("person", "unit")}
    outside = [pk for pk in wanted if pk not in found]
    if outside:
        raise DomainError("以下账号不存在或不在您的管理范围内，整批未处理：" + "、".join(f"#{pk}" for pk in outside))
    return [found[pk] for pk in wanted]


@service
def account_disable_batch(*, actor, ids, reason: str) -> list[Account]:
    """停用所选: every selected account disabled in one transaction (each audited as a disabling), or none."""
    accounts = accounts_selected(actor=actor, ids=ids, action=perms.ACCOUNT_DISABLE)
    if any(a.pk == actor.account_id for a in accounts):
        raise DomainError("所选账号中有您本人的账号，整批未处理：不能停用自己的账号")
    already = [a.person.real_name for a in accounts if a.status != AccountStatus.ACTIVE]
    if already:
        raise DomainError("以下账号已是停用状态，整批未处理：" + "、".join(already))
    disabled = [account_set_status(actor=actor, account=a, active=False, reason=reason) for a in accounts]
    audit_record(actor=actor, action="people.account.disable_batch",
                 details={"count": len(disabled), "reason": reason, "accounts": [a.pk for a in disabled]})
    return disabled


@service
def account_selection_export(*, actor, ids) -> ExcelSheet:
    """导出所选: the selected accounts as a workbook (numbers masked), audited as an export."""
    accounts = accounts_selected(actor=actor, ids=ids, action=perms.ACCOUNT_VIEW)
    policy.require(actor, perms.ACCOUNT_VIEW)
    sheet = ExcelSheet("所选账号", ["姓名", "手机号码", "账号类型", "单位", "职务", "状态", "开户时间"])
    for a in accounts:
        sheet.add([a.person.real_name, a.mobile_masked, a.get_kind_display(), a.unit.name, a.title,
                   a.get_status_display(), a.created_at])
    audit_record(actor=actor, action="people.account.export", details={"list": "selection", "rows": sheet.rows})
    return sheet

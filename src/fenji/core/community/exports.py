"""Exports of community: an activity's sign-up sheet, checked and audited like every export."""

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet

from . import permissions as perms
from .selectors import signup_list


@service
def activity_signups_export(*, actor, activity) -> ExcelSheet:
    """报名名单 of one activity: who signed up, their unit and when (numbers masked)."""
    policy.require(actor, perms.ACTIVITY_MANAGE, activity.unit_path)
    sheet = ExcelSheet("报名名单", ["序号", "姓名", "类型", "单位", "手机号码", "报名时间"])
    for n, signup in enumerate(signup_list(activity).iterator(chunk_size=2000), start=1):
        account = signup.account
        sheet.add([n, account.person.real_name, account.get_kind_display(), account.unit.name,
                   account.mobile_masked, signup.created_at])
    audit_record(actor=actor, action="community.activity.export", target=activity, details={"rows": sheet.rows})
    return sheet

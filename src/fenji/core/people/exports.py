"""Exports of account lists: each checks, builds the workbook and audits the export."""

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet

from . import permissions as perms
from . import selectors

EXPORT_LIMIT = 100_000


@service
def stale_accounts_export(*, actor, accounts, days: int) -> ExcelSheet:
    """The whole list as an Excel workbook (numbers masked); the export is audited (C5.4)."""
    policy.require(actor, perms.ACCOUNT_DISABLE)
    sheet = ExcelSheet("长期未登录账号", ["姓名", "手机号码", "单位", "单位路径", "职务", "上次登录", "未登录天数", "开户时间"])
    now = timezone.now()
    rows = accounts.select_related("person", "unit").order_by("unit_path", "id")[:EXPORT_LIMIT]
    for account in rows.iterator(chunk_size=2000):
        sheet.add([account.person.real_name, account.mobile_masked, account.unit.name, account.unit_path,
                   account.title, account.last_login or "从未登录", selectors.idle_days(account, now),
                   account.created_at])
    audit_record(actor=actor, action="people.account.export", details={"list": "stale", "days": days,
                                                                       "rows": sheet.rows})
    return sheet

"""Exports of the console's ledgers and of the audit log: each checks, builds the workbook and audits
the export in one service (the views only name the file)."""

from itertools import islice

from django.utils import timezone
from django.utils.translation import gettext as _

from fenji.core.access import permissions as access_perms
from fenji.core.access import policy
from fenji.core.access import selectors as access_selectors
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.org import permissions as org_perms
from fenji.core.people import permissions as perms
from fenji.core.web.excel import ExcelSheet, Rate

from . import audit_display, dashboard
from . import ledger_selectors as ledgers
from .audit_selectors import audit_event_list

EXPORT_LIMIT = 100_000
EXPORT_BATCH = 500


def _name(account) -> str:
    return account.person.real_name if account is not None else ""


def _batches(queryset, size=EXPORT_BATCH):
    rows = queryset.iterator(chunk_size=size)
    while batch := list(islice(rows, size)):
        yield batch



ACCOUNT_HEADERS = ["姓名", "身份证号码", "手机号码", "单位", "账号类型", "职务", "状态", "开户时间", "开户人（实施）",
                   "申请人", "申请时间", "审批人", "停用时间", "停用人", "停用原因", "调动记录"]


@service
def account_ledger_export(*, actor, accounts, filters: dict) -> ExcelSheet:
    """The filtered ledger as a workbook. ID and mobile numbers are text cells, masked unless the
    actor may unmask them at the account's unit; the export is audited and says how many were full."""
    policy.require(actor, perms.ACCOUNT_VIEW)
    sheet = ExcelSheet(_("账户台账"), [_(h) for h in ACCOUNT_HEADERS], {0: 10, 1: 22, 2: 14, 3: 24, 7: 17, 10: 17, 12: 17})
    unmasked = 0
    for batch in _batches(accounts.order_by("unit_path", "id")[:EXPORT_LIMIT]):
        histories = ledgers.account_histories(batch)
        for account in batch:
            history = histories[account.pk]
            person = account.person
            full = policy.can(actor, perms.PERSON_UNMASK, account.unit_path)
            unmasked += full
            sheet.add([
                person.real_name,
                (person.id_number or "") if full else person.id_number_masked,
                account.mobile if full else account.mobile_masked,
                account.unit.name, account.get_kind_display(), account.title, account.get_status_display(),
                account.created_at, account.opened_by.person.real_name if account.opened_by else _("系统"),
                history.requested_by, history.requested_at, history.approvers,
                history.disabled_at, history.disabled_by, history.disabled_reason or account.status_reason,
                history.moves_text,
            ])
    audit_record(actor=actor, action="people.account.export", details={
        "ledger": "accounts", "filters": filters, "rows": sheet.rows, "unmasked": unmasked > 0,
        "unmasked_rows": unmasked, "fields": ["id_number", "mobile"] if unmasked else [],
    })
    return sheet


GRANT_HEADERS = ["姓名", "手机号码", "账号所在单位", "角色", "席位", "授权单位", "范围", "子系统", "申请人", "审批人",
                 "授权实施人", "授权时间", "生效时间", "有效期至", "状态", "撤销时间", "撤销人", "撤销原因"]


@service
def grant_ledger_export(*, actor, grants, labels: dict, filters: dict) -> ExcelSheet:
    """The filtered permission ledger as a workbook (mobile numbers masked); the export is audited."""
    policy.require(actor, access_perms.GRANT_VIEW)
    sheet = ExcelSheet(_("权限台账"), [_(h) for h in GRANT_HEADERS], {0: 10, 2: 20, 3: 14, 5: 20, 11: 17, 15: 17})
    now = timezone.now()
    grants = grants.select_related("account__unit")
    for batch in _batches(grants.order_by("unit_path", "id")[:EXPORT_LIMIT]):
        for grant in batch:
            sheet.add([
                grant.account.person.real_name, grant.account.mobile_masked, grant.account.unit.name,
                labels.get(grant.role, grant.role), grant.seat_label, grant.unit.name, grant.get_reach_display(),
                access_selectors.subsystem_text(grant.subsystem), _name(grant.requested_by), _name(grant.approved_by),
                _name(grant.granted_by) or _("系统"), grant.granted_at, grant.valid_from, grant.valid_until,
                ledgers.grant_state(grant, now), grant.revoked_at,
                _name(grant.revoked_by) or (_("系统") if grant.revoked_at else ""), grant.revoke_reason,
            ])
    audit_record(actor=actor, action="access.grant.export", details={
        "ledger": "permissions", "filters": filters, "rows": sheet.rows,
    })
    return sheet


@service
def audit_event_export(*, actor, filters: dict, described: dict) -> ExcelSheet:
    """The events matching ``filters`` (``audit_event_list``'s arguments) as an Excel workbook,
    written to a temporary file; the export is audited with the filters as ``described``."""
    policy.require(actor, access_perms.AUDIT_VIEW)
    events = audit_event_list(actor=actor, **filters)[:EXPORT_LIMIT]
    sheet = ExcelSheet(_("审计日志"), [_("序号"), _("时间（北京时间）"), _("操作人"), _("操作人单位"), _("模块"), _("动作"),
                                    _("动作代码"), _("对象类型"), _("对象"), _("对象所属单位"), _("客户端地址"),
                                    _("请求编号"), _("渠道"), _("结果"), _("详情"), _("哈希")], seconds=True)
    rows = events.iterator(chunk_size=2000)
    while chunk := list(islice(rows, 2000)):
        for row in audit_display.shown(chunk):
            event = row.event
            details = "；".join(f"{d.label}：{d.before} → {d.after}" if d.changed else f"{d.label}：{d.value}"
                               for d in audit_display.detail_rows(event.details))
            sheet.add([event.seq, event.at, event.actor_label, row.actor_unit, row.module, row.action, event.action,
                       row.object_kind, row.object_name, row.target_unit, event.client_ip, event.request_id,
                       event.channel, event.get_outcome_display(), details, event.hash])
    audit_record(actor=actor, action="audit.event.export", details={"filters": described, "rows": sheet.rows})
    return sheet


@service
def dashboard_export(*, actor) -> ExcelSheet:
    """统计概览 as a workbook: the daily numbers, then the rates and the units by kind (audited)."""
    numbers = dashboard.dashboard_numbers(actor=actor)
    policy.require(actor, org_perms.UNIT_VIEW)
    sheet = ExcelSheet(_("统计概览"), [_("日期"), _("新开账号"), _("登录次数")],
                       heading=_("统计概览（最近 %(n)d 天，本人管理和业务范围）") % {"n": dashboard.DAYS})
    for day, opened, logins in zip(numbers.days, numbers.opened, numbers.logins, strict=True):
        sheet.add([f"{day:%Y-%m-%d}", opened, logins])
    sheet.add([])
    for rate in numbers.rates:
        sheet.add([rate.label, rate.due, rate.on_time, Rate(rate.rate)])
    sheet.add([])
    for name, count in numbers.kinds:
        sheet.add([name, count])
    audit_record(actor=actor, action="console.dashboard.export", details={"rows": sheet.rows})
    return sheet

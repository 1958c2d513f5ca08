"""Exports of the office module: the removable-media register (移动存储介质登记台账), checked and audited."""

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet

from . import module as perms

EXPORT_LIMIT = 100_000


@service
def medium_export(*, actor, media) -> ExcelSheet:
    policy.require(actor, perms.MEDIA_VIEW)
    sheet = ExcelSheet("移动存储介质登记台账", ["登记编号", "类型", "品牌型号", "容量", "单位", "保管人", "专网专用",
                                       "登记日期", "最近查毒日期", "状态", "丢失或报废说明"])
    for m in media.order_by("unit_path", "number", "id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([m.number, m.get_kind_display(), m.model_name, m.capacity, m.unit.name, m.keeper.person.real_name,
                   "是" if m.dedicated else "否", m.registered_on, m.last_checked_on or "未查毒",
                   m.get_state_display(), m.state_reason])
    audit_record(actor=actor, action="office.medium.export", details={"rows": sheet.rows})
    return sheet

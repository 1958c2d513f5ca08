"""Exports of the office module: the removable-media register (移动存储介质登记台账), checked and audited."""

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet

from . import module as perms

EXPORT_LIMIT = 100_000


@service
def publication_export(*, actor, posts, filters: dict) -> ExcelSheet:
    policy.require(actor, perms.REGISTER_VIEW)
    from .selectors import publication_reviews

    sheet = ExcelSheet("信息发布登记台账", ["发布时间", "栏目", "标题", "发布单位", "起草人", "审核", "状态", "撤回原因"])
    rows = list(posts.order_by("-published_at", "-id")[:EXPORT_LIMIT])
    publication_reviews(rows)
    for post in rows:
        reviews = "；".join(f"{level}：{name}" for level, name in post.reviews)
        sheet.add([post.published_at, post.column.name, post.title, post.unit.name, post.drafter.person.real_name,
                   reviews, post.get_state_display(), post.withdraw_reason])
    audit_record(actor=actor, action="office.publication.export", details={"rows": sheet.rows, **filters})
    return sheet


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

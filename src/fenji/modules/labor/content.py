"""The labor demo's requirement tickets: the information centre's grant over the whole prefecture (beside the one at
its own department), and tickets of
恩施市就业服务中心 in their states — a draft, one awaiting the prefecture's counterpart department, one in
development past its due date, one in the business test, one released and one found infeasible — built through
the services, as people would; idempotent."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.services import grant_create
from fenji.core.org.models import Unit
from fenji.core.people.models import Account

from . import services
from . import subsystems as sub
from .models import SignSide, Ticket


def _account(mobile: str) -> Account:
    return Account.objects.unscoped(reason="the demo's own personas").get(mobile=mobile)


def build() -> None:
    if Ticket.objects.unscoped(reason="demo content").exists():
        return
    root, department, reviewer_unit, vendor = (Unit.objects.get(code=code) for code in
                                               ("RS-4228", "RS-422801-D1", "RS-4228-D3", "RS-4228-V1"))
    centre_account = _account("13850000054")
    if not Grant.objects.unscoped(reason="demo content").filter(account=centre_account, role="labor_centre",
                                                                unit=root, revoked_at=None).exists():
        grant_create(actor=policy.SYSTEM, account=centre_account, role="labor_centre", unit=root)
    filer, head, reviewer, centre, developer, lead = (policy.actor_for(_account(m)) for m in (
        "13850000051", "13850000052", "13850000053", "13850000054", "13850000055", "13850000056"))
    today = timezone.localdate()

    def ticket(title, subsystem, description, *, urgent=""):
        return services.ticket_draft(actor=filer, unit=department, review_unit=reviewer_unit,
                                     system_name="恩施州劳动力资源信息平台", subsystem=subsystem, title=title,
                                     kind="change" if "调整" in title else "new", urgency="urgent" if urgent else "normal",
                                     urgent_reason=urgent, description=description, contact_name="邓丽",
                                     contact_phone="0718-8221234")

    def to_centre(t):
        services.ticket_submit(actor=filer, ticket=t)
        services.ticket_sign(actor=head, ticket=t, approve=True, note="同意报送")
        services.ticket_review(actor=reviewer, ticket=t, approve=True, note="需求合理，同意")
        services.ticket_intake(actor=centre, ticket=t, accept=True, vendor_unit=vendor)

    def to_business_test(t):
        to_centre(t)
        services.ticket_assess(actor=developer, ticket=t, feasible=True, assessment="现有接口可支撑，可实施",
                               plan="一周完成开发，三天内部测试")
        services.ticket_schedule(actor=centre, ticket=t, dev_due=today + datetime.timedelta(days=10))
        services.ticket_develop(actor=developer, ticket=t, note="已完成开发")
        services.ticket_internal_test(actor=lead, ticket=t, passed=True, note="内部测试用例全部通过")

    ticket("零工人员技能标签批量导入", sub.GIG, "支持按模板批量导入零工人员的技能标签。")
    waiting = ticket("共享用工企业余缺信息公示", sub.SHARING, "在共享用工子系统公示企业用工余缺信息，便于对接。")
    services.ticket_submit(actor=filer, ticket=waiting)
    services.ticket_sign(actor=head, ticket=waiting, approve=True)
    late = ticket("劳动力资源信息库户籍地址字段调整", sub.POOL, "户籍地址拆分为省、市、县、乡、村五级。",
                  urgent="省厅数据标准本月底起执行")
    to_centre(late)
    services.ticket_assess(actor=developer, ticket=late, feasible=True, assessment="可实施", plan="两周完成")
    services.ticket_schedule(actor=centre, ticket=late, dev_due=today)
    Ticket.objects.unscoped(reason="the demo shows an overdue development").filter(pk=late.pk).update(
        dev_due=today - datetime.timedelta(days=3))
    testing = ticket("办件预警短信提醒", sub.WARNING, "办件临近超期时短信提醒经办人。")
    to_business_test(testing)
    released = ticket("零工岗位按工种筛选", sub.GIG, "求职者可按工种筛选零工岗位。")
    to_business_test(released)
    services.ticket_business_test(actor=centre, ticket=released, side=SignSide.CENTRE, passed=True, result="功能正常")
    services.ticket_business_test(actor=filer, ticket=released, side=SignSide.BUSINESS, passed=True,
                                  result="符合业务需要")
    start = timezone.now() - datetime.timedelta(days=1)
    services.ticket_release_plan(actor=lead, ticket=released, scope="零工驿站岗位查询", start=start,
                                 end=start + datetime.timedelta(hours=2), lead="黄经理")
    services.ticket_release(actor=lead, ticket=released, succeeded=True, result="已上线，运行正常")
    infeasible = ticket("人社数据分析对接外省系统", sub.ANALYSIS, "与外省人社系统实时交换数据。")
    to_centre(infeasible)
    services.ticket_assess(actor=developer, ticket=infeasible, feasible=False,
                           assessment="涉及跨省数据交换，须省级统一部署，本平台不可实施")

"""Business requirement tickets (业务需求运维管理暂行办法 §2–14, design/domain/labor.md §3): one ticket is one
业务需求申请表 (附件1), from the business department's draft through its head, the prefecture's counterpart
department (county tickets only), the information centre, the vendor's assessment, development and tests, to the
release confirmed on the 业务需求程序发布确认单 (附件2). Every transition is a ``TicketStep`` (who, when, the
opinion); each business-test sign-off is a ``TicketTest``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned

from . import subsystems


class TicketState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DEPT_REVIEW = "dept_review", _("待部门负责人签批")
    UPPER_REVIEW = "upper_review", _("待州级业务部门审核")
    INTAKE = "intake", _("待信息中心受理")
    ASSESSING = "assessing", _("运维公司评估中")
    SCHEDULING = "scheduling", _("待信息中心排期")
    DEVELOPING = "developing", _("开发中")
    INTERNAL_TEST = "internal_test", _("内部测试中")
    BUSINESS_TEST = "business_test", _("业务测试中")
    RELEASE_PLAN = "release_plan", _("待制定发布计划")
    RELEASING = "releasing", _("发布中")
    RELEASED = "released", _("已发布")
    INFEASIBLE = "infeasible", _("不可实施")


CLOSED_STATES = (TicketState.RELEASED, TicketState.INFEASIBLE)
VENDOR_STATES = (TicketState.ASSESSING, TicketState.DEVELOPING, TicketState.INTERNAL_TEST, TicketState.RELEASE_PLAN,
                 TicketState.RELEASING)


class TicketKind(models.TextChoices):
    NEW = "new", _("新增")
    CHANGE = "change", _("变更")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Subsystem(models.TextChoices):
    """The platform's five subsystems (权限管理办法 §2; declared as permission domains in ``subsystems``): which one a
    requirement concerns."""

    POOL = subsystems.POOL, _("劳动力资源信息库")
    SHARING = subsystems.SHARING, _("共享用工子系统")
    GIG = subsystems.GIG, _("零工驿站子系统")
    ANALYSIS = subsystems.ANALYSIS, _("人社数据分析子系统")
    WARNING = subsystems.WARNING, _("人社政务服务办件分析预警子系统")


class Ticket(OrgOwned):
    """One requirement, owned by the applying business department (``unit``). ``review_unit`` is the prefecture's
    counterpart department for a county ticket (empty for the prefecture's own), ``vendor_unit`` the company the
    information centre hands it to: the two other roads by which a ticket reaches people (``selectors``, through those
    units' own paths, so a department that moves keeps its tickets)."""

    number = models.CharField(max_length=20, null=True, blank=True, unique=True, verbose_name="需求编号")
    system_name = models.CharField(max_length=60, verbose_name="系统名称")
    subsystem = models.CharField(max_length=20, choices=Subsystem.choices, verbose_name="子系统")
    title = models.CharField(max_length=100, verbose_name="需求名称")
    kind = models.CharField(max_length=10, choices=TicketKind.choices, verbose_name="需求类型")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL, verbose_name="紧急程度")
    urgent_reason = models.CharField(max_length=200, blank=True, verbose_name="紧急理由")
    description = models.TextField(verbose_name="需求描述")
    contact_name = models.CharField(max_length=30, verbose_name="联系人")
    contact_phone = models.CharField(max_length=20, verbose_name="联系电话")
    basis = models.ManyToManyField("files.Attachment", blank=True, related_name="+", verbose_name="政策文件或依据")
    filer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="填报人")
    state = models.CharField(max_length=16, choices=TicketState.choices, default=TicketState.DRAFT,
                             verbose_name="状态")
    review_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="州级对口科室")
    vendor_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="运维公司")
    developer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="开发人员")
    feasible = models.BooleanField(null=True, verbose_name="可实施")
    assessment = models.TextField(blank=True, verbose_name="可实施性评估意见")
    plan = models.TextField(blank=True, verbose_name="实施计划")
    dev_due = models.DateField(null=True, blank=True, verbose_name="开发完成期限")
    test_due = models.DateField(null=True, blank=True, verbose_name="业务测试期限")
    test_round = models.PositiveSmallIntegerField(default=0, verbose_name="业务测试轮次")
    release_scope = models.CharField(max_length=300, blank=True, verbose_name="影响业务范围")
    release_start = models.DateTimeField(null=True, blank=True, verbose_name="发布开始时间")
    release_end = models.DateTimeField(null=True, blank=True, verbose_name="发布结束时间")
    release_lead = models.CharField(max_length=30, blank=True, verbose_name="项目负责人")
    release_result = models.CharField(max_length=300, blank=True, verbose_name="发布结果")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name="提交时间")
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name="部门负责人签批时间")
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name="州级业务部门审核时间")
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name="信息中心受理时间")
    assessed_at = models.DateTimeField(null=True, blank=True, verbose_name="评估时间")
    scheduled_at = models.DateTimeField(null=True, blank=True, verbose_name="排期时间")
    developed_at = models.DateTimeField(null=True, blank=True, verbose_name="开发完成时间")
    business_passed_at = models.DateTimeField(null=True, blank=True, verbose_name="业务测试通过时间")
    released_at = models.DateTimeField(null=True, blank=True, verbose_name="发布完成时间")

    class Meta:
        verbose_name = "业务需求"
        verbose_name_plural = "业务需求"
        indexes = [models.Index(fields=["unit_path", "id"], name="labor_ticket_path"),
                   models.Index(fields=["state", "id"], name="labor_ticket_state")]

    def __str__(self):
        return self.number or self.title


class TicketStep(models.Model):
    """One transition of a ticket: what was done, by whom (name and unit as they were), when, with the opinion."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20, verbose_name="环节")
    from_state = models.CharField(max_length=16, choices=TicketState.choices, verbose_name="原状态")
    to_state = models.CharField(max_length=16, choices=TicketState.choices, verbose_name="新状态")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="办理人")
    actor_name = models.CharField(max_length=50, verbose_name="办理人姓名")
    unit_name = models.CharField(max_length=100, verbose_name="办理单位")
    note = models.TextField(blank=True, verbose_name="意见")
    at = models.DateTimeField(auto_now_add=True, verbose_name="时间")

    class Meta:
        verbose_name = "业务需求办理记录"
        verbose_name_plural = "业务需求办理记录"
        ordering = ("at", "id")


class SignSide(models.TextChoices):
    CENTRE = "centre", _("信息中心")
    BUSINESS = "business", _("业务部门")


class TicketTest(models.Model):
    """A business-test sign-off on the 发布确认单 (附件2): one per side and round."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="tests")
    round = models.PositiveSmallIntegerField(verbose_name="轮次")
    side = models.CharField(max_length=10, choices=SignSide.choices, verbose_name="测试方")
    passed = models.BooleanField(verbose_name="测试通过")
    result = models.CharField(max_length=300, verbose_name="测试结果")
    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="验证人员")
    tester_name = models.CharField(max_length=50, verbose_name="验证人员姓名")
    tested_on = models.DateField(verbose_name="测试日期")

    class Meta:
        verbose_name = "业务测试确认"
        verbose_name_plural = "业务测试确认"
        ordering = ("round", "id")
        constraints = [models.UniqueConstraint(fields=["ticket", "round", "side"], name="labor_one_test_per_side")]

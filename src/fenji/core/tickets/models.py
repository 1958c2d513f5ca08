from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned
from fenji.core.kernel.paths import PathField


class Board(OrgOwned):
    """A board (诉求版块) citizens file tickets on: ``unit`` is the unit that receives and handles them, ``office``
    the unit that manages the board and reviews 退单 and 延期 (by default the owner's parent). Its deadlines are
    its own: handling in working days (emergencies in hours), 退单 within ``return_days`` working days of
    receipt, at most ``extension_max_count`` extensions adding up to ``extension_max_days`` working days.
    Re-assigning the board to another unit changes who receives new tickets; filed ones keep their unit."""

    name = models.CharField(max_length=50, unique=True, verbose_name="版块名称")
    description = models.CharField(max_length=200, blank=True, verbose_name="说明")
    office = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="管理单位")
    office_path = PathField(editable=False, verbose_name="管理单位路径")
    handle_days = models.PositiveSmallIntegerField(default=5, verbose_name="办理时限（工作日）")
    emergency_hours = models.PositiveSmallIntegerField(default=24, verbose_name="紧急诉求时限（小时）")
    return_days = models.PositiveSmallIntegerField(default=2, verbose_name="退单时限（工作日）")
    extension_max_count = models.PositiveSmallIntegerField(default=1, verbose_name="延期次数上限")
    extension_max_days = models.PositiveSmallIntegerField(default=10, verbose_name="延期累计上限（工作日）")
    takes_photos = models.BooleanField(default=True, verbose_name="可上传照片")
    takes_location = models.BooleanField(default=True, verbose_name="可填写位置")
    active = models.BooleanField(default=True, verbose_name="启用")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")

    class Meta:
        verbose_name = "诉求版块"
        verbose_name_plural = "诉求版块"
        indexes = [models.Index(fields=["unit_path", "id"], name="tickets_board_path"),
                   models.Index(fields=["office_path", "id"], name="tickets_board_office")]

    def __str__(self):
        return self.name


class TicketState(models.TextChoices):
    PENDING = "pending", _("待签收")
    SIGNED = "signed", _("已签收")
    HANDLING = "handling", _("办理中")
    RETURNED = "returned", _("退单审核中")
    ANSWERED = "answered", _("已答复")
    VISITED = "visited", _("已回访")
    MERGED = "merged", _("已并单")


OPEN_STATES = (TicketState.PENDING, TicketState.SIGNED, TicketState.HANDLING, TicketState.RETURNED)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Ticket(OrgOwned):
    """A citizen's ticket. ``unit`` is the unit handling it now (the board's owner, or the unit it was 改派 to);
    ``office``/``office_path`` the board's managing unit when it was filed (reviews go there)."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="tickets", verbose_name="版块")
    office = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="管理单位")
    office_path = PathField(editable=False, verbose_name="管理单位路径")
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="诉求人")
    content = models.TextField(max_length=2000, verbose_name="诉求内容")
    location_text = models.CharField(max_length=200, blank=True, verbose_name="位置")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, verbose_name="纬度")
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, verbose_name="经度")
    public_ok = models.BooleanField(default=False, verbose_name="同意公开答复")
    emergency = models.BooleanField(default=False, verbose_name="紧急")
    photos = models.ManyToManyField("files.Attachment", blank=True, related_name="+", verbose_name="照片")
    state = models.CharField(max_length=10, choices=TicketState.choices, default=TicketState.PENDING,
                             verbose_name="状态")
    state_before = models.CharField(max_length=10, blank=True, verbose_name="退单前状态")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="提交时间")
    received_at = models.DateTimeField(default=timezone.now, verbose_name="承办单位收到时间")
    due_at = models.DateTimeField(verbose_name="办理期限")
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, verbose_name="超期提醒时间")
    due_provisional = models.BooleanField(default=False, verbose_name="期限为暂定")
    calendar_version = models.CharField(max_length=100, blank=True, verbose_name="计算期限所用日历版本")
    return_until = models.DateTimeField(verbose_name="退单截止")
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name="签收时间")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="签收人")
    return_reason = models.CharField(max_length=200, blank=True, verbose_name="退单理由")
    extension_count = models.PositiveSmallIntegerField(default=0, verbose_name="已延期次数")
    extension_days = models.PositiveSmallIntegerField(default=0, verbose_name="已延期工作日")
    extension_asked_days = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="申请延期工作日")
    extension_reason = models.CharField(max_length=200, blank=True, verbose_name="延期理由")
    answer = models.TextField(max_length=2000, blank=True, verbose_name="答复")
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name="答复时间")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="答复人")
    on_time = models.BooleanField(null=True, blank=True, verbose_name="按期答复")
    rating = models.CharField(max_length=12, choices=Rating.choices, blank=True, verbose_name="满意度")
    rating_note = models.CharField(max_length=200, blank=True, verbose_name="评价说明")
    rated_at = models.DateTimeField(null=True, blank=True, verbose_name="评价时间")
    reopen_count = models.PositiveSmallIntegerField(default=0, verbose_name="重办次数")
    master = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
                               verbose_name="并入")

    class Meta:
        verbose_name = "群众诉求"
        verbose_name_plural = "群众诉求"
        indexes = [models.Index(fields=["unit_path", "id"], name="tickets_ticket_path"),
                   models.Index(fields=["office_path", "id"], name="tickets_ticket_office"),
                   models.Index(fields=["citizen", "id"], name="tickets_ticket_citizen")]

    def __str__(self):
        return f"{self.number}"

    @property
    def number(self) -> str:
        return f"#{self.pk}"

    @property
    def overdue(self) -> bool:
        return self.state in OPEN_STATES and self.due_at < timezone.now()

    @property
    def extension_pending(self) -> bool:
        return self.extension_asked_days is not None


class EventKind(models.TextChoices):
    FILE = "file", _("提交")
    SIGN = "sign", _("签收")
    PROGRESS = "progress", _("办理")
    RETURN = "return", _("申请退单")
    REASSIGN = "reassign", _("改派")
    RETURN_REJECT = "return_reject", _("驳回退单")
    EXTEND = "extend", _("申请延期")
    EXTEND_OK = "extend_ok", _("批准延期")
    EXTEND_REJECT = "extend_reject", _("驳回延期")
    ANSWER = "answer", _("答复")
    RATE = "rate", _("评价")
    REOPEN = "reopen", _("不满意重办")
    MERGE = "merge", _("并单")


class TicketEvent(models.Model):
    """One step in a ticket's history, shown on its pages (the audit log keeps the same steps)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name="诉求")
    kind = models.CharField(max_length=16, choices=EventKind.choices, verbose_name="环节")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="操作人")
    unit_name = models.CharField(max_length=100, blank=True, verbose_name="单位")
    note = models.TextField(max_length=2000, blank=True, verbose_name="说明")
    at = models.DateTimeField(default=timezone.now, verbose_name="时间")

    class Meta:
        verbose_name = "诉求办理记录"
        verbose_name_plural = "诉求办理记录"
        ordering = ["at", "id"]

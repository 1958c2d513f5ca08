from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned


class Notice(OrgOwned):
    """A notice a unit sent to its members and elders (and those of its subtree, when asked); each recipient
    has it as an in-app message of kind ``community.notice``."""

    title = models.CharField(max_length=100, verbose_name="标题")
    body = models.TextField(max_length=2000, verbose_name="内容")
    include_subtree = models.BooleanField(default=False, verbose_name="含下级单位")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="发送人")
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name="发送时间")
    recipient_count = models.PositiveIntegerField(default=0, verbose_name="接收人数")

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        indexes = [models.Index(fields=["unit_path", "id"], name="community_notice_path")]

    def __str__(self):
        return self.title


class Activity(OrgOwned):
    """An activity a unit organises for its members (and those of its subtree)."""

    title = models.CharField(max_length=100, verbose_name="活动名称")
    starts_at = models.DateTimeField(verbose_name="开始时间")
    ends_at = models.DateTimeField(null=True, blank=True, verbose_name="结束时间")
    place = models.CharField(max_length=100, verbose_name="地点")
    content = models.TextField(max_length=2000, blank=True, verbose_name="活动内容")
    signup_until = models.DateTimeField(verbose_name="报名截止")
    capacity = models.PositiveIntegerField(null=True, blank=True, verbose_name="名额")
    include_subtree = models.BooleanField(default=False, verbose_name="含下级单位")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="发布人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="发布时间")
    signup_count = models.PositiveIntegerField(default=0, verbose_name="报名人数")

    class Meta:
        verbose_name = "成员活动"
        verbose_name_plural = "成员活动"
        indexes = [models.Index(fields=["unit_path", "id"], name="community_activity_path")]

    def __str__(self):
        return self.title


class Signup(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups", verbose_name="活动")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name="报名人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="报名时间")

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        constraints = [models.UniqueConstraint(fields=["activity", "account"], name="community_signup_once")]


class FeedbackState(models.TextChoices):
    OPEN = "open", _("待处理")
    ANSWERED = "answered", _("已答复")


class FeedbackTopic(models.TextChoices):
    UNIT = "unit", _("向本单位反映")
    SYSTEM = "system", _("对本系统的意见建议")


class Feedback(OrgOwned):
    """An opinion to the unit the author belongs to: a member's or elder's about the unit's work (answered by
    its staff), or anyone's about the system itself (C8.4: answered by the unit's system administrator, or
    passed up to the administrator of the unit above, 000 §17). ``unit`` is where it stands now."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="提交人")
    topic = models.CharField(max_length=10, choices=FeedbackTopic.choices, default=FeedbackTopic.UNIT,
                             verbose_name="类别")
    content = models.TextField(max_length=1000, verbose_name="内容")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="提交时间")
    due_at = models.DateTimeField(verbose_name="答复期限")
    state = models.CharField(max_length=10, choices=FeedbackState.choices, default=FeedbackState.OPEN,
                             verbose_name="状态")
    answer = models.TextField(max_length=1000, blank=True, verbose_name="答复")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="答复人")
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name="答复时间")
    # Each pass upward: {"from": unit name, "to": unit name, "by": name, "at": ISO time, "note": why}.
    hops = models.JSONField(default=list, blank=True, verbose_name="转呈记录")

    class Meta:
        verbose_name = "意见反馈"
        verbose_name_plural = "意见反馈"
        indexes = [models.Index(fields=["unit_path", "id"], name="community_feedback_path")]

    def __str__(self):
        return self.content[:30]

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned


class ColumnKind(models.TextChoices):
    """The column's class, for its health (国办秘函〔2019〕19号: 动态 2 weeks, 通知公告/政策 6 months)."""

    NEWS = "news", _("动态要闻")
    NOTICE = "notice", _("通知公告")
    POLICY = "policy", _("政策文件")
    INTERACTION = "interact", _("互动交流")
    OTHER = "other", _("其他")


class Column(OrgOwned):
    """A column (栏目) of the deployment's tree; ``unit`` is its owner (new posts belong to it), its managers
    are the accounts who draft in it. A merged column is closed and names the column it went into."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="上级栏目")
    name = models.CharField(max_length=50, verbose_name="栏目名称")
    kind = models.CharField(max_length=10, choices=ColumnKind.choices, default=ColumnKind.OTHER, verbose_name="栏目类别")
    public = models.BooleanField(default=False, verbose_name="公开（无需登录）")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name="关闭时间")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="并入栏目")
    # An interaction column (互动交流) shows the citizens' tickets of its boards: its health counts their oldest
    # unanswered one and the on-time reply rate. A relation by name: publish and tickets never import each other.
    boards = models.ManyToManyField("tickets.Board", blank=True, related_name="columns", verbose_name="互动版块")

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        indexes = [models.Index(fields=["unit_path", "id"], name="publish_column_path")]

    def __str__(self):
        return self.name


class ColumnManager(models.Model):
    """An account that drafts in a column (the column's manager)."""

    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="manager_rows", verbose_name="栏目")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="栏目管理员")

    class Meta:
        verbose_name = "栏目管理员"
        verbose_name_plural = "栏目管理员"
        constraints = [models.UniqueConstraint(fields=["column", "account"], name="publish_manager_once")]


class ColumnOwnership(models.Model):
    """Who owned a column when: one row per owner, the current one open (``until`` empty)."""

    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="ownerships", verbose_name="栏目")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="归属单位")
    since = models.DateTimeField(verbose_name="起")
    until = models.DateTimeField(null=True, blank=True, verbose_name="止")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="经办人")

    class Meta:
        verbose_name = "栏目归属记录"
        verbose_name_plural = "栏目归属记录"
        ordering = ["since", "id"]


class ReviewLevel(models.Model):
    """One review level of a column, in order; its reviewer holds ``action`` over the post's unit."""

    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="levels", verbose_name="栏目")
    order = models.PositiveSmallIntegerField(verbose_name="级次")
    name = models.CharField(max_length=20, verbose_name="名称")
    action = models.CharField(max_length=60, verbose_name="审核权限")

    class Meta:
        verbose_name = "审核级次"
        verbose_name_plural = "审核级次"
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["column", "order"], name="publish_level_once")]


class PostState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWING = "reviewing", _("审核中")
    SCHEDULED = "scheduled", _("待定时发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Post(OrgOwned):
    """A post (稿件) in a column; ``unit`` is the column's owner when it was drafted (谁发布谁负责)."""

    column = models.ForeignKey(Column, on_delete=models.PROTECT, related_name="posts", verbose_name="栏目")
    title = models.CharField(max_length=100, verbose_name="标题")
    body = models.TextField(max_length=20000, verbose_name="正文")
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="撰稿人")
    state = models.CharField(max_length=10, choices=PostState.choices, default=PostState.DRAFT, verbose_name="状态")
    round = models.PositiveSmallIntegerField(default=0, verbose_name="送审轮次")
    level = models.PositiveSmallIntegerField(default=0, verbose_name="当前审核级次")
    level_action = models.CharField(max_length=60, blank=True, verbose_name="当前审核权限")
    opinion = models.TextField(max_length=1000, blank=True, verbose_name="退回意见")
    publish_at = models.DateTimeField(null=True, blank=True, verbose_name="定时发布时间")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name="送审时间")
    published_at = models.DateTimeField(null=True, blank=True, verbose_name="发布时间")
    withdrawn_at = models.DateTimeField(null=True, blank=True, verbose_name="撤回时间")
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="撤回人")
    withdraw_reason = models.CharField(max_length=200, blank=True, verbose_name="撤回原因")

    class Meta:
        verbose_name = "发布稿件"
        verbose_name_plural = "发布稿件"
        indexes = [models.Index(fields=["unit_path", "id"], name="publish_post_path"),
                   models.Index(fields=["column", "state", "published_at"], name="publish_post_column_state")]

    def __str__(self):
        return self.title


class PostAttachment(models.Model):
    """An image or attachment of a post, stored through the checked upload (``files``)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachment_rows", verbose_name="稿件")
    attachment = models.ForeignKey("files.Attachment", on_delete=models.PROTECT, related_name="+", verbose_name="附件")

    class Meta:
        verbose_name = "稿件附件"
        verbose_name_plural = "稿件附件"
        ordering = ["id"]


class Decision(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("退回")


class Approval(models.Model):
    """One review decision on a post, kept for inspection (审批单): who, when, at which level, with what opinion."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="approvals", verbose_name="稿件")
    level = models.PositiveSmallIntegerField(verbose_name="级次")
    level_name = models.CharField(max_length=20, verbose_name="级次名称")
    round = models.PositiveSmallIntegerField(default=1, verbose_name="送审轮次")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="审核人")
    decision = models.CharField(max_length=10, choices=Decision.choices, verbose_name="结论")
    opinion = models.TextField(max_length=1000, blank=True, verbose_name="意见")
    decided_at = models.DateTimeField(auto_now_add=True, verbose_name="审核时间")

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["id"]


class SensitiveWord(models.Model):
    """A word that may not be published: a draft containing it is refused before review, the hits shown."""

    word = models.CharField(max_length=30, unique=True, verbose_name="敏感词")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="添加人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="添加时间")

    class Meta:
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词"
        ordering = ["word"]

    def __str__(self):
        return self.word
